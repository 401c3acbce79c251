"""Issue #18 point 3 in Chromium at 360 px, with credentials the real issuer signed: the
wallet groups them by ESCO skill with their credit points (a new one joins its stack while
the page is open); the learner makes a collection, adds credentials (from the collection and
from one credential), sees the honest total, reorders, renames, takes one out and deletes
it; a proof request drawing on two credentials shows them as the stack it draws on.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.async_api import Page, expect

from demo.peers import IssuerPeer, VerifierPeer
from tests.e2e.browser import axe_problems, chromium, horizontal_overflow, screenshot
from tests.e2e.stack_wallet import ESCO_PYTHON, aligned_badge, fill_wallet, two_courses
from tests.e2e.steps import listening, log_in, mark_document, open_screen, same_document
from tests.integration.proof_peers import accept_next_offer, api_ok, connect, request_at_learner
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

PHONE = {"width": 360, "height": 780}
PATHWAY = "My data analysis pathway"


async def check(page: Page, name: str) -> None:
    await screenshot(page, name)
    assert await horizontal_overflow(page) == 0, name
    assert await axe_problems(page) == [], name


async def test_the_learner_builds_a_collection_and_sees_what_a_request_draws_on(
    learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer, tmp_path: Path
) -> None:
    connection = await connect(learner, issuer)
    held = await fill_wallet(learner, issuer, connection)
    async with chromium(tmp_path / "profile", viewport=PHONE) as context:
        page = await context.new_page()
        await log_in(page, learner)
        await open_screen(page, "Stacks")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Your stacks")

        # The wallet's own stack: both badges name the ESCO skill; the link stays technical.
        skill = page.locator("#skill-list .stack-card", has_text="use Python")
        await expect(skill).to_contain_text("Skill (ESCO)")
        await expect(skill).to_contain_text("2 credentials")
        await expect(skill).to_contain_text("7.5 credit points")
        assert ESCO_PYTHON not in await page.locator("main").inner_text()
        await check(page, "stacks-overview-360")

        # A third badge of the skill arrives while the page is open: the stack follows live.
        await listening(page)
        await mark_document(page)
        await issuer.offer_ld_credential(connection, "openbadge", aligned_badge("Pandas", 1.5))
        await accept_next_offer(learner)
        await expect(skill).to_contain_text("3 credentials")
        await expect(skill).to_contain_text("9 credit points")
        assert await same_document(page)

        # A collection of the learner's own, then credentials into it.
        await page.get_by_label("Name of a new collection").fill(PATHWAY)
        async with page.expect_navigation():
            await page.get_by_role("button", name="Start the collection").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(PATHWAY)
        await expect(page.locator(".stack-total-box")).to_contain_text("This collection is empty")
        async with page.expect_navigation():
            await page.get_by_role("link", name="Add credentials").click()
        for title in ("Python Foundations", "SQL Basics", "Statistics 1"):
            await page.get_by_label(title).check()
        await check(page, "stacks-add-360")
        async with page.expect_navigation():
            await page.get_by_role("button", name="Add the chosen credentials").click()
        parts = page.locator("#stack-parts .stack-part")
        await expect(parts).to_have_count(3)
        total = page.locator(".stack-total-box")
        await expect(total).to_contain_text("8 credit points")
        await expect(total).to_contain_text("Credit points come from 2 of 3 credentials.")
        await expect(total).to_contain_text(
            "1 credential does not say how many credit points or hours it is worth."
        )
        await check(page, "stacks-collection-360")

        # From one credential's own page: into the existing collection.
        badge = held["Data Analysis with Python"]
        await page.goto(page.url.split("/stacks")[0] + f"/credentials/{quote(badge, safe='')}")
        await page.get_by_role("link", name="Add to a collection").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            "Add “Data Analysis with Python” to a collection"
        )
        await check(page, "stacks-collect-360")
        async with page.expect_navigation():
            await page.get_by_role("button", name="Add to the chosen collection").click()
        await expect(parts).to_have_count(4)
        await expect(total).to_contain_text("10.5 credit points")

        # Rename, take one out: the total follows.
        await page.get_by_label("New name").fill("Data pathway")
        await page.get_by_role("button", name="Save the name").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Data pathway")
        titles = page.locator("#stack-parts .stack-part .card-title")
        await expect(titles).to_have_text(
            ["Statistics 1", "SQL Basics", "Python Foundations", "Data Analysis with Python"]
        )
        earlier = "Earlier: move “Python Foundations” one place earlier"
        await page.get_by_role("button", name=earlier).click()
        await expect(titles).to_have_text(
            ["Statistics 1", "Python Foundations", "SQL Basics", "Data Analysis with Python"]
        )
        await page.get_by_role("button", name="Take “Statistics 1” out").click()
        await expect(parts).to_have_count(3)
        await expect(total).to_contain_text("10.5 credit points")
        await expect(total).not_to_contain_text("does not say")
        stacks = (await api_ok(learner, "GET", "/api/stacks"))["stacks"]
        (mine,) = [s for s in stacks if s["kind"] == "collection"]
        assert (mine["name"], mine["totals"]["parts"]) == ("Data pathway", 3)

        # Deleting the collection keeps the credentials.
        await page.locator("#delete-collection summary").click()
        await expect(page.locator("#delete-collection")).to_contain_text(
            "The credentials in it stay in your wallet."
        )
        async with page.expect_navigation():
            await page.get_by_role("button", name="Delete the collection").click()
        await expect(page.locator("#no-collections")).to_be_visible()
        listed = await api_ok(learner, "GET", "/api/credentials")
        assert {item["id"] for item in listed["items"]} >= set(held.values())

        # A request that draws on two credentials shows them as a stack, with its total.
        at_verifier = await connect(learner, verifier)
        pres_ex_id = await verifier.request_proof_dif(at_verifier, two_courses())
        shown = await request_at_learner(learner, verifier, pres_ex_id)
        await page.goto(page.url.split("/stacks")[0] + f"/requests/{shown['exchange_id']}")
        drawn = page.locator("[data-draws-on]")
        data_course = page.locator('fieldset[data-referent="data"]')
        # Both candidates are titled by their kind in the choice; the stack names the course.
        statistics = data_course.locator(f'input[data-stored-id="{held["Statistics 1"]}"]')
        await statistics.check()
        await expect(drawn).to_contain_text("This request draws on 2 of your credentials:")
        await expect(drawn.locator("li")).to_have_count(2)
        await expect(drawn).to_contain_text("SQL Basics")
        await expect(drawn).to_contain_text("Statistics 1")
        await expect(drawn).to_contain_text("3 credit points")
        await expect(drawn).to_contain_text("1 credential does not say")
        await check(page, "stacks-consent-360")
        # Both parts answered by one credential: no stack to show; back again, it is there.
        await data_course.locator(f'input[data-stored-id="{held["SQL Basics"]}"]').check()
        await expect(drawn).to_be_hidden()
        await statistics.check()
        await expect(drawn.locator("li")).to_have_count(2)
        await expect(drawn).to_be_visible()

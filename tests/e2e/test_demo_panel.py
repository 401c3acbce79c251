"""The guided demo in headless Chromium: a person clicks through the panel of `learner-wallet
demo` (real CLI, real peers), accepts the offers and approves both requests in the normal
screens, and the panel shows that the employer verified both presentations.

The demo brings its own trust list: each offer, each credential and each consent prompt
shows the university as on the learner's trust list, in its register; the employer is not
on it, and the prompt says so.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.browser import chromium, screenshot
from tests.e2e.steps import open_screen
from tests.integration.demo_run import DemoRun
from tests.integration.wallet_cli import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
OFFERS = 3
PENDING = "[data-live-part='pending']"
UNIVERSITY = "Open Learning Institute"
REGISTER = "Demo register of recognised education providers"
LISTED = f"Listed as {UNIVERSITY} in “{REGISTER}”"
TRUSTED, UNKNOWN = "On your trust list", "Not on your trust list"


async def university_is_trusted(page: Page) -> None:
    """An offer or credential screen: the issuer is on the trust list, named with its register."""
    await expect(page.locator("[data-issuer-trust]")).to_have_text(LISTED)
    await expect(page.get_by_text(TRUSTED, exact=True)).to_have_count(1)
    await expect(page.get_by_text(UNKNOWN, exact=True)).to_have_count(0)


async def prompt_trusts_the_university_not_the_employer(page: Page) -> None:
    """The consent screen: the employer unknown, the credential's issuer trusted; the
    prompt behind it names the university's register."""
    who = page.locator("section.who")
    await expect(who).to_contain_text("Employer")
    await expect(who.get_by_text(UNKNOWN, exact=True)).to_have_count(1)
    item = page.locator("fieldset.item").first
    await expect(item.get_by_text(TRUSTED, exact=True)).to_have_count(1)
    await expect(item).to_contain_text(UNIVERSITY)
    await expect(item).to_contain_text(REGISTER)  # the screen names it, as the prompt does
    answer = await page.request.get(page.url.replace("/requests/", "/api/requests/"))
    prompt = (await answer.json())["prompt"]
    assert not prompt["verifier"]["trusted"], prompt["verifier"]
    issuers = [c["issuer"] for i in prompt["items"] for c in i["candidates"] if c["usable"]]
    assert issuers and all(
        i and (i["name"], i["register"]) == (UNIVERSITY, REGISTER) for i in issuers
    ), issuers


async def run_step(page: Page, button: str, step: int, done: str) -> None:
    """Click a panel button; its status must end in the step's done text (not a failure)."""
    panel = page.locator("[data-demo-panel]")
    await panel.get_by_role("button", name=button).click()
    await expect(panel.locator(f"[data-demo-step='{step}'] [data-demo-status]")).to_have_text(done)


async def accept_offers(page: Page) -> None:
    """Open each offer from Home as it arrives and accept it in the normal offer prompt."""
    for _ in range(OFFERS):
        offer = page.locator(f"{PENDING} a[href^='/offers/']")
        await expect(offer).to_have_count(1)
        async with page.expect_navigation():
            await offer.click()
        await university_is_trusted(page)
        await page.get_by_role("button", name="Accept").click()
        await page.wait_for_url("**/credentials")
        await open_screen(page, "Home")


async def credentials_shown(page: Page) -> int:
    """How many credentials the Credentials screen lists, reloading it for each look."""
    await page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + "/credentials")
    return await page.locator(".credential-card").count()


async def credentials_trusted(page: Page) -> None:
    """Each credential's own screen names the university as trusted, with its register."""
    links = page.locator(".credential-card h2 a")
    for href in [await a.get_attribute("href") for a in await links.all()]:
        async with page.expect_navigation():
            await page.locator(f".credential-card h2 a[href='{href}']").click()
        await university_is_trusted(page)
        await page.go_back()


async def share_next_request(page: Page, name: str, request: str, reason: str) -> None:
    """Open the employer's request from Home and approve the prompt as it stands; "Why they
    ask" shows the request's name as a heading and its reason once."""
    link = page.locator(f"{PENDING} a[href^='/requests/']")
    await expect(link).to_have_count(1)
    async with page.expect_navigation():
        await link.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Employer")
    why = page.locator("[data-why]")
    await expect(why.get_by_role("heading", level=3)).to_have_text(request)
    await expect(why.locator("p")).to_have_text([reason])
    await expect(page.get_by_text(reason.rstrip("."))).to_have_count(1)
    await prompt_trusts_the_university_not_the_employer(page)
    await screenshot(page, name)
    await page.get_by_role("button", name="Share").click()
    await page.wait_for_url("**/history")
    await open_screen(page, "Home")


async def test_a_person_clicks_through_the_guided_demo(tmp_path: Path) -> None:
    started = time.monotonic()
    run = DemoRun(tmp_path / "demo", tmp_path / "xdg")
    try:
        login = wait_for(lambda: run.line_with("Open this link to log in"), "the login link", 180)
        async with chromium(tmp_path / "profile", viewport={"width": 1000, "height": 900}) as ctx:
            page = await ctx.new_page()
            await page.goto(login.rsplit(" ", 1)[1])
            panel = page.locator("[data-demo-panel]")
            await expect(panel).to_contain_text("Guided demo")
            # The demo receives through its own mediator (pickup), and says so in plain words.
            await expect(panel.locator("[data-demo-delivery]")).to_contain_text(
                "Your wallet receives everything through “Campus Mediator”"
            )
            await expect(page.locator("[data-delivery-state='connected']")).to_contain_text(
                "Receiving through Campus Mediator."
            )
            await screenshot(page, "demo-start")

            await run_step(page, "Accept the university’s invitation", 1, re.compile("Connected"))
            await expect(panel.locator("[data-demo-step='1']")).to_have_attribute(
                "data-state", "done"
            )
            await run_step(
                page,
                "Ask the university to send them",
                2,
                "The first offer is on its way. It is listed below under “Credentials "
                "offered to you”: open it and accept it; the next one follows.",
            )
            await accept_offers(page)
            await expect(page.locator("[data-demo-step='3'] button")).to_be_enabled()
            for _ in range(60):
                if await credentials_shown(page) == OFFERS:
                    break
                await page.wait_for_timeout(1000)
            else:
                raise AssertionError("the Credentials screen never listed all three credentials")
            await screenshot(page, "demo-credentials")
            await credentials_trusted(page)
            await expect(panel).to_contain_text("Each offer appears on your Home page")
            home_link = panel.get_by_role("link", name="Go to your Home page", include_hidden=True)
            await expect(home_link).to_have_attribute("href", "/")  # the panel is folded here
            await open_screen(page, "Home")
            await expect(panel).to_contain_text("Each offer is listed below under")
            received = page.locator("[data-live-part='recent'] [data-activity='received'] h3")
            await expect(received).to_have_count(OFFERS)
            for heading in await received.all_inner_texts():
                assert heading.startswith("Received ") and heading.endswith(
                    " from Open Learning Institute"
                ), heading
            await screenshot(page, "demo-home-recent")
            await run_step(page, "Connect to the employer", 3, re.compile("Connected"))

            await share_next_request(
                page,
                "demo-consent-prompt",
                "Course passed",
                "To confirm you passed the course (we do not need your exact score)",
            )
            results = page.locator("[data-demo-results] .demo-result")
            await expect(results.first).to_have_attribute("data-verified", "true")
            await expect(results.first).to_contain_text("score >= 70")
            await share_next_request(
                page,
                "demo-consent-prompt-bbs",
                "Course and completion date",
                "We check which course you completed and when.",
            )
            await expect(results).to_have_count(2)
            await expect(results.nth(1)).to_have_attribute("data-verified", "true")
            await expect(results.nth(1)).to_contain_text("courseTitle")
            await expect(results.nth(1)).to_contain_text("Stayed hidden:")
            await expect(panel.locator("[data-demo-step='3']")).to_have_attribute(
                "data-state", "done"
            )
            await screenshot(page, "demo-finished")
            # History keeps which fields stayed hidden, per credential (newest share first).
            await open_screen(page, "History")
            hidden = page.locator("[data-used-hidden]")
            await expect(hidden).to_have_count(2)
            for shown, names in (  # by their labels, not the issuer's field names
                (0, ("Provider", "Score", "Credits", "Level")),
                (1, ("Provider", "Score", "Completion date", "Learner’s name")),
            ):
                await expect(hidden.nth(shown)).to_contain_text("Hidden: ")
                for name in names:
                    await expect(hidden.nth(shown)).to_contain_text(name)
            await screenshot(page, "demo-history")
        run.process.send_signal(signal.SIGINT)
        assert run.wait(120) == 0, run.drain()
    finally:
        run.kill()
    print(f"guided demo in the browser took {time.monotonic() - started:.1f} s")

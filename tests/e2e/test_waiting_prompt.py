"""Issue #17 point 6 in the browser: an open prompt waiting for a credential updates live.

The verifier asks before the learner holds the credential; the open prompt says who can
issue it. The issuer then issues, and without a reload the prompt says "You can answer
now" and offers Share, which the verifier verifies.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from demo.peers import IssuerPeer, VerifierPeer
from tests.e2e.browser import chromium, screenshot
from tests.e2e.steps import COURSE, course_check, listening, log_in, mark_document, same_document
from tests.integration.proof_peers import accept_next_offer, connect, request_at_learner
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


async def test_an_open_prompt_becomes_answerable_live_when_the_credential_arrives(
    learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer, tmp_path: Path
) -> None:
    issuer_conn = await connect(learner, issuer)
    pres_ex_id = await course_check(verifier, await connect(learner, verifier), issuer.cred_def_id)
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    assert not shown["answerable"], shown
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        await log_in(page, learner)
        await page.goto(page.url.rsplit("/", 1)[0] + f"/requests/{shown['exchange_id']}")
        missing = page.locator("[data-missing]")
        await expect(missing.first).to_contain_text("Who can issue it")
        who = missing.first.locator("ul.issuers")  # the issuer named by its web address
        await expect(who).to_contain_text("127.0.0.1")
        await expect(who).not_to_contain_text("did:")
        await expect(page.get_by_role("button", name="Share")).to_have_count(0)
        await listening(page)
        await mark_document(page)
        await screenshot(page, "consent-waiting")

        await issuer.offer_anoncreds(issuer_conn, COURSE)
        await accept_next_offer(learner)
        await expect(page.locator("#live-notice")).to_contain_text("You can answer now")
        await expect(page.locator("[data-arrived]")).to_contain_text("You can answer now")
        await expect(page.locator("[data-missing]")).to_have_count(0)
        assert await same_document(page), "the page reloaded instead of updating live"
        await screenshot(page, "consent-answerable")
        await page.get_by_role("button", name="Share").click()
        await page.wait_for_url("**/history")

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record

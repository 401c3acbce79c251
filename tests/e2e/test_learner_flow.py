"""Issue #6 end to end: the real wallet's UI in headless Chromium, with real ACA-Py peers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.async_api import expect

from demo.peers import IssuerPeer, VerifierPeer, invitation_msg_id
from tests.e2e.browser import chromium, screenshot
from tests.e2e.steps import (
    COURSE,
    course_check,
    listening,
    log_in,
    mark_document,
    open_screen,
    same_document,
)
from tests.integration.proof_peers import api_ok, connect, issue_anoncreds
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


async def test_learner_connects_accepts_and_shares_with_one_attribute_hidden(
    learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer, tmp_path: Path
) -> None:
    started = time.monotonic()
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        await log_in(page, learner)
        await screenshot(page, "home-empty")

        # Paste the issuer's invitation on the Connections screen.
        invitation = await issuer.create_invitation()
        await open_screen(page, "Connections")
        await page.get_by_label("Invitation link", exact=True).fill(invitation)
        await page.get_by_role("button", name="Connect").click()
        await page.wait_for_url("**/connections")
        issuer_side = await issuer.wait_connection_active(invitation_msg_id(invitation), 60)
        await expect(page.locator("[data-live-part='connections']")).to_contain_text(issuer.label)
        await screenshot(page, "connections")

        # The offer appears on Home without a reload; accept it there.
        await open_screen(page, "Home")
        await listening(page)
        await mark_document(page)
        await issuer.offer_anoncreds(issuer_side["connection_id"], COURSE)
        await expect(page.locator("#live-notice")).to_contain_text("credential offer")
        offer_link = page.locator("[data-live-part='pending'] a[href^='/offers/']")
        await expect(offer_link).to_have_count(1)
        assert await same_document(page), "the page reloaded instead of updating live"
        await offer_link.click()
        await expect(page.locator("dl.fields")).to_contain_text(COURSE["learner_name"])
        await screenshot(page, "offer-prompt")
        await page.get_by_role("button", name="Accept").click()
        await page.wait_for_url("**/credentials")
        cards = page.locator(".credential-card")
        await expect(cards).to_have_count(1)
        await expect(cards.first).to_contain_text("Valid")
        title = (await cards.first.locator(".card-title").inner_text()).strip()
        await screenshot(page, "credentials")

        # Home's recent activity names what arrived and who sent it, linking to it.
        verifier_conn = await connect(learner, verifier)
        await open_screen(page, "Home")
        received = page.locator("[data-live-part='recent'] [data-activity='received'] h3 a")
        await expect(received).to_have_count(1)
        await expect(received).to_have_text(f"Received {title} from {issuer.label}")
        await expect(received).to_have_attribute("href", re.compile(r"^/credentials/anoncreds"))
        await expect(page.locator("[data-live-part='recent']")).not_to_contain_text("Nothing")
        await screenshot(page, "home-recent")

        # A proof request arrives live; hide the name, share the rest.
        await listening(page)
        await mark_document(page)
        pres_ex_id = await course_check(verifier, verifier_conn, issuer.cred_def_id)
        notice = page.locator("#live-notice")
        await expect(notice).to_contain_text("request for your information")
        assert await same_document(page), "the page reloaded instead of updating live"
        request_link = page.locator("[data-live-part='pending'] a[href^='/requests/']")
        await expect(request_link).to_have_count(1)
        await notice.get_by_role("link").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text(verifier.label)
        why = page.locator("[data-why]")
        await expect(why.get_by_role("heading", level=2)).to_have_text("Why they ask")
        await expect(why.get_by_role("heading", level=3)).to_have_text("Course check")
        await expect(page.get_by_text("To confirm your course result")).to_have_count(1)
        await expect(page.locator("#consent-form")).to_contain_text(COURSE["course_title"])
        await page.get_by_label("Hide Learner’s name", exact=False).check()
        await expect(page.locator("[data-hidden-list]")).to_contain_text("Learner’s name")
        await screenshot(page, "consent-prompt")
        await page.get_by_role("button", name="Share").click()
        await page.wait_for_url("**/history")
        entry = page.locator(".timeline li").first
        await expect(entry).to_contain_text(verifier.label)
        await expect(entry).to_contain_text("Learner’s name")  # the label; the API keeps the name
        await screenshot(page, "history")

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record
    proof = record["by_format"]["pres"]["anoncreds"]["requested_proof"]
    assert set(proof["revealed_attrs"]) == {"course"}
    assert set(proof["unrevealed_attrs"]) == {"who"}
    assert COURSE["learner_name"] not in str(record["by_format"]["pres"])
    entries = (await api_ok(learner, "GET", "/api/history"))["entries"]
    assert entries[0]["hidden"] == ["learner_name"]
    print(f"browser flow took {time.monotonic() - started:.1f} s")


async def test_consent_prompt_works_by_keyboard_alone(
    learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer, tmp_path: Path
) -> None:
    await issue_anoncreds(issuer, learner, await connect(learner, issuer))
    verifier_conn = await connect(learner, verifier)
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        await log_in(page, learner)
        await listening(page)
        pres_ex_id = await course_check(verifier, verifier_conn, issuer.cred_def_id)
        link = page.locator("[data-live-part='pending'] a[href^='/requests/']")
        await expect(link).to_have_count(1)
        await link.focus()
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/requests/*")
        hide = page.get_by_label("Hide Learner’s name", exact=False)
        for _ in range(60):  # Tab through the page until the hide toggle has focus
            await page.keyboard.press("Tab")
            if await hide.evaluate("el => el === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reached the hide toggle")
        outline = await hide.evaluate("el => getComputedStyle(el).outlineStyle")
        assert outline != "none", "the focused control shows no focus outline"
        await page.keyboard.press("Space")
        await expect(hide).to_be_checked()
        share = page.get_by_role("button", name="Share")
        for _ in range(20):
            await page.keyboard.press("Tab")
            if await share.evaluate("el => el === document.activeElement"):
                break
        else:
            raise AssertionError("Tab never reached the Share button")
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/history")
    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    proof = record["by_format"]["pres"]["anoncreds"]["requested_proof"]
    assert set(proof["unrevealed_attrs"]) == {"who"}, proof

"""A learner adds a badge file on the Credentials page: preview, add, listed; a changed copy
is refused in plain words (issue #16 point 6), in the real UI in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.async_api import expect

from demo.peer_credentials import SAMPLE_BADGE, open_badge
from demo.peers import IssuerPeer
from tests.e2e.browser import axe_problems, chromium, screenshot
from tests.e2e.steps import log_in
from tests.integration.wallet_cli import WalletCli

TITLE = "Data Literacy Foundations"


async def test_a_badge_file_is_previewed_added_and_listed(
    learner: WalletCli, issuer: IssuerPeer, tmp_path: Path
) -> None:
    badge = open_badge(issuer.ed25519_did, issuer.label, SAMPLE_BADGE)
    body = {"credential": badge, "options": {"proofType": "Ed25519Signature2020"}}
    signed = (await issuer.call("POST", "/vc/credentials/issue", body))["verifiableCredential"]
    good = tmp_path / "data-literacy-badge.json"
    good.write_text(json.dumps(signed, indent=2), encoding="utf-8")
    changed = json.loads(good.read_text())
    changed["credentialSubject"]["achievement"]["name"] = "Data Literacy Mastery"
    bad = tmp_path / "changed-badge.json"
    bad.write_text(json.dumps(changed), encoding="utf-8")

    async with chromium(tmp_path / "profile", viewport={"width": 1280, "height": 900}) as ctx:
        page = await ctx.new_page()
        await log_in(page, learner)
        await page.goto(learner.run_facts()["ui_url"].rstrip("/") + "/credentials")
        section = page.locator("#credential-import")
        await expect(section.get_by_role("heading", level=2)).to_have_text(
            "Add a credential from a file"
        )

        await section.get_by_label("Credential file").set_input_files(bad)
        refusal = section.locator("#import-preview .problem")
        await expect(refusal).to_contain_text("changed after the issuer signed it")
        await expect(refusal.locator("details.technical summary")).to_have_text("Technical details")
        await expect(section.get_by_role("button", name="Add to my wallet")).to_have_count(0)
        await screenshot(page, "credential-import-refused")

        await section.get_by_label("Credential file").set_input_files(good)
        card = section.locator("[data-import-item='1']")
        await expect(card.get_by_role("heading", level=4)).to_have_text(TITLE)
        await expect(card).to_contain_text(issuer.label)
        await expect(card).to_contain_text("Not on your trust list")
        await expect(card).to_contain_text("The signature is correct")
        fields = card.locator("dl.fields")
        await expect(fields).to_contain_text("Achievement")  # its label, in words
        await expect(fields).not_to_contain_text("achievement.name")
        await expect(fields).not_to_contain_text("did:")  # the subject id stays out
        assert not await axe_problems(page), await axe_problems(page)
        await screenshot(page, "credential-import-preview")
        assert learner.api("GET", "/api/credentials")[1]["total"] == 0  # nothing kept yet

        await section.get_by_role("button", name="Add to my wallet").click()
        await expect(section.locator("[data-form-status]")).to_contain_text("Added to your wallet.")
        listed = page.locator("[data-live-part='credentials'] .credential-card")
        await expect(listed.get_by_role("link", name=TITLE)).to_be_visible()
        await screenshot(page, "credential-import-added")
        await section.get_by_role("link", name="Open it").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

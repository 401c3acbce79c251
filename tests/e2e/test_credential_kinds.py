"""Issue #18 point 1 in Chromium: an Open Badge shows its criteria, skills and evidence, an
AnonCreds course result its issuer's OCA labels and colour, and neither page's main text (all
but the "Technical details" disclosure) shows a DID or a proof type."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from demo.peer_credentials import PROOF_TYPES, SAMPLE_BADGE, open_badge
from demo.peers import IssuerPeer
from tests.e2e.browser import axe_problems, chromium, horizontal_overflow, screenshot
from tests.e2e.steps import log_in
from tests.integration.proof_peers import accept_next_offer, connect, issue_anoncreds
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

ESCO_DATA = "http://data.europa.eu/esco/skill/15d76317-c71a-4fa2-aadc-2ecc34e627b7"
EVIDENCE = "https://portfolio.example/ada/data-project"
# What must never be in the main text: DIDs and proof types (DESIGN §8, issue #18 point 1).
TECHNICAL = re.compile(r"did:[a-z0-9]+:|Ed25519Signature20\d\d|BbsBlsSignature2020|\bCL\b")
MAIN_TEXT = """() => {
    const main = document.querySelector('main').cloneNode(true);
    main.querySelectorAll('details').forEach(d => d.remove());
    return main.innerText;
}"""


def _badge_offer(issuer: IssuerPeer, connection_id: str) -> dict[str, Any]:
    """The demo's badge with OB3 alignments, credits, criteria in Markdown and evidence."""
    subject = copy.deepcopy(SAMPLE_BADGE)
    achievement = subject["achievement"]
    achievement["criteria"]["narrative"] = (
        "Passed the **final assessment** with at least 70%.\n\n- Built a dashboard\n- Presented it"
    )
    achievement["creditsAvailable"] = 5
    achievement["alignment"] = [
        {
            "type": ["Alignment"],
            "targetName": "Work with data",
            "targetUrl": ESCO_DATA,
            "targetFramework": "ESCO",
        },
        {"type": ["Alignment"], "targetName": "Statistics", "targetUrl": ESCO_DATA + "-stats"},
    ]
    credential = open_badge(issuer.ld_issuer_did("openbadge"), issuer.label, subject)
    credential["evidence"] = [
        {"id": EVIDENCE, "type": ["Evidence"], "name": "Data project", "narrative": "A study."}
    ]
    options = {"proofType": PROOF_TYPES["openbadge"]}
    offer = {"ld_proof": {"credential": credential, "options": options}}
    return {"connection_id": connection_id, "filter": offer, "auto_remove": False}


async def _main_text(page: Page) -> str:
    return str(await page.evaluate(MAIN_TEXT))


async def _fits_and_is_accessible(page: Page, name: str) -> None:
    for width in (1280, 360):
        await page.set_viewport_size({"width": width, "height": 800})
        await screenshot(page, f"{name}-{width}px")
        assert await horizontal_overflow(page) <= 0, f"{name} overflows at {width} px"
    assert not await axe_problems(page), name


async def test_badge_and_anoncreds_look_like_what_they_are(
    learner: WalletCli, issuer: IssuerPeer, tmp_path: Path
) -> None:
    connection_id = await connect(learner, issuer)
    course_id = await issue_anoncreds(issuer, learner, connection_id)
    await issuer.call(
        "POST", "/issue-credential-2.0/send-offer", _badge_offer(issuer, connection_id)
    )
    badge_id = (await accept_next_offer(learner))["credential_id"]
    base = learner.run_facts()["ui_url"].rstrip("/")
    async with chromium(tmp_path / "profile", viewport={"width": 1280, "height": 900}) as ctx:
        page = await ctx.new_page()
        await log_in(page, learner)

        await page.goto(f"{base}/credentials/{badge_id}")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Data Literacy Foundations")
        criteria = page.locator("[data-criteria]")
        await expect(criteria.locator("p")).to_have_text(
            "Passed the final assessment with at least 70%."
        )
        await expect(criteria.locator("li")).to_have_text(["Built a dashboard", "Presented it"])
        skill = page.locator("[data-skills]").get_by_role("link", name="Work with data")
        await expect(skill).to_have_attribute("href", ESCO_DATA)
        await expect(skill).to_have_attribute("rel", "noopener noreferrer nofollow")
        evidence = page.locator("[data-evidence]").get_by_role("link", name="Data project")
        await expect(evidence).to_have_attribute("href", EVIDENCE)
        await expect(evidence).to_have_attribute("rel", "noopener noreferrer nofollow")
        await expect(page.locator("[data-workload]")).to_have_text("5 credit points")
        text = await _main_text(page)
        assert not TECHNICAL.findall(text), TECHNICAL.findall(text)
        technical = page.locator("details.technical")
        await expect(technical).to_contain_text("Ed25519Signature2020")
        await expect(technical).to_contain_text(issuer.ld_issuer_did("openbadge"))
        await _fits_and_is_accessible(page, "credential-open-badge")

        await page.goto(f"{base}/credentials/anoncreds:{course_id}")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Course result")
        fields = page.locator("[data-fields] dt")
        await expect(fields).to_have_text(
            ["Course", "Taught by", "Final score (%)", "Completed on", "Learner"]
        )
        band = page.locator("img.brand-band")
        await expect(band).to_be_visible()
        assert "%231f4e79" in str(await band.get_attribute("src"))
        assert await band.evaluate("img => img.naturalWidth > 0"), "the colour band did not draw"
        await expect(page.locator("img.brand-logo")).to_be_visible()
        text = await _main_text(page)
        assert not TECHNICAL.findall(text), TECHNICAL.findall(text)
        await expect(page.locator("details.technical")).to_contain_text(issuer.cred_def_id)
        await _fits_and_is_accessible(page, "credential-anoncreds-oca")

        await ctx.add_cookies([{"name": "lw_lang", "value": "de", "url": base}])
        await page.goto(f"{base}/credentials")
        facts = page.locator("[data-card-facts]")
        await expect(facts).to_contain_text(["Kurs: Data Literacy Foundations"])
        await expect(page.locator("main")).to_contain_text("5 Leistungspunkte")
        text = await _main_text(page)
        assert not TECHNICAL.findall(text), TECHNICAL.findall(text)
        await _fits_and_is_accessible(page, "credentials-kinds-de")

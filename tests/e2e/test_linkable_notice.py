"""#17 point 3 in the browser: the consent prompt says in plain words what would let
verifiers recognise a W3C credential shown again, and sharing it still works."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from demo.peers import SAMPLE_MICROCREDENTIAL, IssuerPeer, VerifierPeer
from tests.e2e.browser import chromium, screenshot
from tests.e2e.steps import log_in
from tests.integration.proof_peers import connect, issue_ld, request_at_learner
from tests.integration.test_unlinkable import definition, descriptor
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


async def test_the_prompt_says_a_credential_shared_whole_can_be_recognised(
    learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer, tmp_path: Path
) -> None:
    title = SAMPLE_MICROCREDENTIAL["courseTitle"]
    await issue_ld(
        issuer, learner, await connect(learner, issuer), "ed25519", SAMPLE_MICROCREDENTIAL
    )
    pd = definition("Ed25519Signature2020", descriptor("course", title, False))
    pres_ex_id = await verifier.request_proof_dif(await connect(learner, verifier), pd)
    shown = await request_at_learner(learner, verifier, pres_ex_id)
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        await log_in(page, learner)
        await page.goto(page.url.rsplit("/", 1)[0] + f"/requests/{shown['exchange_id']}")
        notice = page.locator("[data-linkable]:visible")
        await expect(notice).to_have_count(1)
        await expect(notice).to_contain_text("it can be recognised as the same one")
        await expect(notice).not_to_contain_text("did:")
        await screenshot(page, "consent-linkable")
        await page.get_by_role("button", name="Share").click()
        await page.wait_for_url("**/history")

    record = await verifier.wait_state("presentation", pres_ex_id, {"done", "abandoned"})
    assert record["state"] == "done" and record["verified"] == "true", record

"""Issue #18 point 4 in Chromium at 360 px, against the real wallet and the real issuer: a
basic message arrives while the learner is on the home page, shows as a notice naming the
connection, the learner opens the conversation and replies; the reply reaches the issuer's
ACA-Py (it answers "Reply with: ..." messages itself, and that answer shows up in turn).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import expect

from demo.peers import IssuerPeer, poll_until
from tests.e2e.browser import axe_problems, chromium, horizontal_overflow, screenshot
from tests.e2e.steps import listening, log_in
from tests.integration.proof_peers import api_ok, connect
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

PHONE = {"width": 360, "height": 780}


async def test_a_message_shows_as_a_notice_and_the_learner_replies(
    learner: WalletCli, issuer: IssuerPeer, tmp_path: Path
) -> None:
    issuer_side = await connect(learner, issuer)
    (connection,) = (await api_ok(learner, "GET", "/api/connections"))["connections"]
    text = f"Your certificate is ready. Reference {uuid.uuid4().hex[:8]}."
    echo = f"See you on Tuesday {uuid.uuid4().hex[:8]}"
    async with chromium(tmp_path / "profile", viewport=PHONE) as context:
        page = await context.new_page()
        await log_in(page, learner)
        await listening(page)
        await issuer.call("POST", f"/connections/{issuer_side}/send-message", {"content": text})

        notice = page.locator("#live-notice")
        await expect(notice).to_contain_text(f"New message from {issuer.label}")
        await expect(page.locator("#new-messages")).to_contain_text(
            f"New message from {issuer.label}"
        )
        await screenshot(page, "messages-home-notice")
        async with page.expect_navigation():
            await notice.get_by_role("link", name="Open it").click()
        assert page.url.endswith(f"/connections/{connection['id']}")

        conversation = page.locator("#message-list")
        await expect(conversation).to_contain_text(text)
        await expect(page.get_by_role("heading", level=1)).to_have_text(issuer.label)

        async def read() -> bool:
            unread = await api_ok(learner, "GET", "/api/messages/unread")
            return unread["total"] == 0

        await poll_until("the opened conversation to be marked read", read)

        await page.get_by_label(f"Write to {issuer.label}").fill(f"Reply with: {echo}")
        await page.get_by_role("button", name="Send message").click()
        await expect(page.locator("#reply-form [data-form-status]")).to_have_text("Sent.")
        await expect(conversation.locator(".message-sent")).to_contain_text(f"Reply with: {echo}")
        # The issuer's ACA-Py received the reply: its answer arrives live on this page.
        await expect(conversation.locator(".message-received").last).to_contain_text(echo)
        assert await horizontal_overflow(page) == 0
        await page.locator("#delete-details summary").click()
        await expect(page.locator("#delete-details")).to_contain_text(
            "Credentials you received from them stay in your wallet"
        )
        await screenshot(page, "messages-conversation-360")
        assert await axe_problems(page) == []

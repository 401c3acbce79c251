"""Issue #14, point 1, in Chromium against the real wallet: opening pages creates nothing.

The Connections page once made a new invitation on every view, and its live refresh made
the next one: about one a second, for as long as the page stayed open. Here the page stays
open for 30 s with live refresh on while events arrive, and the learner's own ACA-Py (its
admin API, the truth) must hold exactly the records it held before. Then the learner asks
for an invitation, an issuer connects with it, and the next one is new.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from agent.admin_client import AdminClient
from demo.peers import IssuerPeer, decode_invitation, poll_until
from tests.e2e.browser import axe_problems, chromium, screenshot
from tests.e2e.steps import COURSE, listening, log_in, open_screen
from tests.integration.proof_peers import api_ok, connect, learner_admin
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

WINDOW = 30.0  # how long the page stays open: the point of the test, not a wait for a state
LIVE_REFRESHED = "body[data-live-refreshed]"


async def _records(admin: AdminClient) -> tuple[set[str], set[str]]:
    """Ids of every connection record and every out-of-band record in the learner's ACA-Py."""
    connections = await admin.list_connections(limit=10_000)
    oob = await admin.list_oob_records(limit=10_000)
    return {c.connection_id for c in connections}, {str(o.oob_id) for o in oob}


async def _refreshed_at(page: Page) -> int:
    return int(await page.get_attribute("body", "data-live-refreshed") or 0)


async def _live_refresh_after(page: Page, moment: int, why: str) -> None:
    async def refreshed() -> bool:
        return await _refreshed_at(page) > moment

    await poll_until(f"a live refresh of the page after {why}", refreshed)


async def test_the_connections_page_left_open_creates_nothing(
    learner: WalletCli, issuer: IssuerPeer, tmp_path: Path
) -> None:
    issuer_conn = await connect(learner, issuer)  # a peer whose offers make events later
    async with (
        chromium(tmp_path / "profile") as context,
        learner_admin(learner) as admin,
    ):
        page = await context.new_page()
        await log_in(page, learner)
        await open_screen(page, "Connections")
        await listening(page)
        await page.wait_for_selector(LIVE_REFRESHED, state="attached")  # the refresh on open
        own = page.locator("section[aria-labelledby='own-invitation']")
        await expect(own.get_by_role("button", name="Show my invitation")).to_be_visible()
        assert not await axe_problems(page)
        before = await _records(admin)
        started = time.monotonic()
        opened_at = await page.evaluate("Date.now()")

        await issuer.offer_anoncreds(issuer_conn, COURSE)
        await _live_refresh_after(page, opened_at, "the first offer")
        await page.wait_for_timeout(max(0.0, WINDOW / 2 - (time.monotonic() - started)) * 1000)
        halfway = await page.evaluate("Date.now()")
        await issuer.offer_anoncreds(issuer_conn, {**COURSE, "score": "93"})
        await _live_refresh_after(page, halfway, "the second offer")
        await page.wait_for_timeout(max(0.0, WINDOW - (time.monotonic() - started)) * 1000)

        after = await _records(admin)
        assert time.monotonic() - started >= WINDOW
        await screenshot(page, "connections-left-open")
        cards = page.locator("[data-live-part='connections'] .card")
        await expect(cards).to_have_count(1)
        await expect(cards.first).to_contain_text(issuer.label)
    new_connections, new_oob = after[0] - before[0], after[1] - before[1]
    assert not new_connections, f"connection records made while the page was open: {after[0]}"
    assert not new_oob, f"out-of-band records made while the page was open: {new_oob}"
    assert after == before


async def test_show_my_invitation_then_a_peer_connects_with_it(
    learner: WalletCli, issuer: IssuerPeer, tmp_path: Path
) -> None:
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        await log_in(page, learner)
        await open_screen(page, "Connections")
        own = page.locator("section[aria-labelledby='own-invitation']")
        async with page.expect_navigation():  # the page reloads once the invitation is made
            await own.get_by_role("button", name="Show my invitation").click()
        qr = own.get_by_role("img", name="QR code of your invitation")
        await expect(qr).to_be_visible()
        assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")
        await expect(own).to_contain_text("Valid until")
        await expect(own).to_contain_text("it works for one connection")
        url = await own.get_by_label("Your invitation link").input_value()
        await screenshot(page, "connections-own-invitation")
        assert not await axe_problems(page)

        await listening(page)
        oob = await issuer.receive_invitation(decode_invitation(url))
        await issuer.wait_own_connection_active(oob["connection_id"])
        cards = page.locator("[data-live-part='connections'] .card")
        await expect(cards).to_have_count(1)  # shown live, without a reload
        await expect(cards.first).to_contain_text(issuer.label)
        await expect(cards.first).to_contain_text("Connected")
        # The used invitation leaves the screen live too, and its button works after the swap.
        await expect(qr).to_have_count(0)
        await screenshot(page, "connections-own-invitation-answered")
        async with page.expect_navigation():
            await own.get_by_role("button", name="Show my invitation").click()
        await expect(qr).to_be_visible()
        shown_again = await own.get_by_label("Your invitation link").input_value()
        assert decode_invitation(shown_again)["@id"] != decode_invitation(url)["@id"]

    again = await api_ok(learner, "GET", "/api/invitation")  # reused until used or expired
    assert again["invitation_id"] == decode_invitation(shown_again)["@id"]

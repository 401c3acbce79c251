"""Every screen in Chromium: no serious axe-core violation, nothing wider than 360 px, a CSP
that stops injected inline script, and a screenshot of each as a test artifact."""

from __future__ import annotations

from pathlib import Path

import pytest
import qrcode
import qrcode.image.svg
from playwright.async_api import Page, expect

from demo.peers import IssuerPeer, VerifierPeer, poll_until
from tests.e2e.browser import axe_problems, chromium, horizontal_overflow, screenshot
from tests.e2e.steps import COURSE, course_check, log_in, login_url
from tests.integration.proof_peers import api_ok, connect, issue_anoncreds, request_at_learner
from tests.integration.wallet_cli import WalletCli

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


async def _screens(learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer) -> dict:
    """A wallet with a credential, a waiting offer, a waiting request and some history."""
    issuer_conn = await connect(learner, issuer)
    credential_id = await issue_anoncreds(issuer, learner, issuer_conn)
    verifier_conn = await connect(learner, verifier)
    declined = await course_check(verifier, verifier_conn, issuer.cred_def_id)
    shown = await request_at_learner(learner, verifier, declined)
    await api_ok(learner, "POST", f"/api/requests/{shown['exchange_id']}/decline")
    waiting = await request_at_learner(
        learner, verifier, await course_check(verifier, verifier_conn, issuer.cred_def_id)
    )
    await issuer.offer_anoncreds(issuer_conn, {**COURSE, "score": "91"})

    async def pending_offers() -> list:
        return (await api_ok(learner, "GET", "/api/offers?state=pending"))["offers"]

    offers = await poll_until("a pending offer at the learner", pending_offers, 60)
    return {
        "home": "/",
        "credentials": "/credentials",
        "credential": f"/credentials/{credential_id}",
        "connections": "/connections",
        "offer": f"/offers/{offers[0]['id']}",
        "consent": f"/requests/{waiting['exchange_id']}",
        "history": "/history",
        "settings": "/settings",
    }


async def _check(page: Page, name: str, path: str, width: int, problems: list[str]) -> None:
    await page.goto(path)
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await screenshot(page, f"{name}-{width}px")
    problems += [f"{name} at {width} px: {p}" for p in await axe_problems(page)]
    overflow = await horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"{name} at {width} px overflows by {overflow} px")


async def test_every_screen_is_accessible_and_fits_360_px(
    learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer, tmp_path: Path
) -> None:
    screens = await _screens(learner, issuer, verifier)
    problems: list[str] = []
    base = learner.run_facts()["ui_url"].rstrip("/")
    async with chromium(tmp_path / "profile", viewport={"width": 1280, "height": 900}) as ctx:
        page = await ctx.new_page()
        await page.goto(base + "/history")  # no session yet: the login explanation
        await expect(page.get_by_role("heading", level=1)).to_have_text("Please log in first")
        await screenshot(page, "login-needed")
        problems += [f"login page: {p}" for p in await axe_problems(page)]
        await log_in(page, learner)
        for width in (1280, 360):
            await page.set_viewport_size({"width": width, "height": 800})
            for name, path in screens.items():
                await _check(page, name, base + path, width, problems)
    assert not problems, "\n".join(problems)


async def test_csp_stops_an_injected_inline_script(learner: WalletCli, tmp_path: Path) -> None:
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        response = await page.goto(login_url(learner))
        assert response is not None
        csp = (await response.all_headers())["content-security-policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        scripts = await page.evaluate(
            "() => [...document.scripts].map(s => s.src).filter(src => !src)"
        )
        assert scripts == [], "the page itself carries inline scripts"
        ran = await page.evaluate(
            """() => new Promise(resolve => {
                window.__injected = 'no';
                const script = document.createElement('script');
                script.textContent = "window.__injected = 'yes'";
                document.body.appendChild(script);
                const div = document.createElement('div');
                div.innerHTML = '<img src="x" onerror="window.__injected = \\'yes\\'">';
                document.body.appendChild(div);
                setTimeout(() => resolve(window.__injected), 500);
            })"""
        )
        assert ran == "no", "an inline script ran despite the CSP"


async def test_a_qr_code_picture_is_read_in_the_browser(learner: WalletCli, tmp_path: Path) -> None:
    """The invitation in a QR picture lands in the form, decoded locally (jsQR on Linux)."""
    invitation = "http://127.0.0.1:9/?oob=eyJAdHlwZSI6ICJodHRwczovL2RpZGNvbW0ub3JnL2V4YW1wbGUifQ"
    picture = tmp_path / "invitation-qr.svg"
    image = qrcode.make(invitation, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    picture.write_text(image.to_string(encoding="unicode"))
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        await log_in(page, learner)
        await page.goto(learner.run_facts()["ui_url"].rstrip("/") + "/connections")
        await page.get_by_label("Or open a picture of the QR code").set_input_files(picture)
        field = page.get_by_label("Invitation link", exact=True)
        await expect(field).to_have_value(invitation)
        await expect(page.locator("#connect-form [data-form-status]")).to_contain_text(
            "Found an invitation"
        )

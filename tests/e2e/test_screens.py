"""Every screen in Chromium: no serious axe-core violation, nothing wider than 360 px, a CSP
that stops injected inline script, and a screenshot of each as a test artifact."""

from __future__ import annotations

from pathlib import Path

import pytest
import qrcode
import qrcode.image.svg
from playwright.async_api import Page, expect

from config.settings import load_settings
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


# 200 % zoom of a 1280 px window: 640 CSS px wide, each CSS px drawn with 2 device pixels.
ZOOMED = {"viewport": {"width": 640, "height": 800}, "device_scale_factor": 2}
PRIMARY_CONTROLS = {
    "/": [],
    "/credentials": ["form[role=search] button[type=submit]", "#q"],
    "/connections": ["#connect-form button[type=submit]", "#invitation"],
    "/history": [],
    "/settings": ["#settings-form button[type=submit]", "#language-form button[type=submit]"],
}


async def test_main_screens_fit_at_200_percent_zoom(learner: WalletCli, tmp_path: Path) -> None:
    """No sideways scrolling at 200 % zoom; menu links and each screen's main controls show."""
    base = learner.run_facts()["ui_url"].rstrip("/")
    problems: list[str] = []
    async with chromium(tmp_path / "profile", **ZOOMED) as context:
        page = await context.new_page()
        await log_in(page, learner)
        assert await page.evaluate("window.devicePixelRatio") == 2
        for path, controls in PRIMARY_CONTROLS.items():
            await page.goto(base + path)
            await expect(page.get_by_role("heading", level=1)).to_be_visible()
            await screenshot(page, f"zoom200-{path.strip('/') or 'home'}")
            overflow = await horizontal_overflow(page)
            if overflow > 0:
                problems.append(f"{path} overflows by {overflow} px at 200 % zoom")
            links = page.get_by_role("navigation").get_by_role("link")
            shown = [(f"menu link {i + 1}", links.nth(i)) for i in range(await links.count())]
            shown += [(selector, page.locator(selector).first) for selector in controls]
            for selector, control in shown:
                await control.scroll_into_view_if_needed()
                box = await control.bounding_box()
                if box is None or not await control.is_visible():
                    problems.append(f"{path}: {selector} is not visible at 200 % zoom")
                elif box["x"] < 0 or box["x"] + box["width"] > 640 + 0.5:
                    problems.append(f"{path}: {selector} is cut off at the side ({box})")
    assert not problems, "\n".join(problems)


async def test_settings_form_saves_config_for_the_next_start(
    learner: WalletCli, tmp_path: Path
) -> None:
    """The form PUTs with the CSRF token; the file it writes loads; bad input is refused."""
    config_file = learner.data_dir / "config.toml"
    before = config_file.read_bytes() if config_file.exists() else None
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        await log_in(page, learner)
        await page.goto(learner.run_facts()["ui_url"].rstrip("/") + "/settings")
        form = page.locator("#settings-form")
        await form.get_by_label("Waiting time for others (seconds)").fill("0")
        await form.get_by_label("Trust list").fill(str(tmp_path / "no-such-list.json"))
        await form.get_by_label("How messages reach you").select_option(
            label="Receive through my mediator (works behind home routers)"
        )
        await form.get_by_role("button", name="Save settings").click()
        await expect(form.locator("[data-form-status]")).to_contain_text(
            "Some settings could not be saved. Nothing was changed."
        )
        # Each problem stands right under its own field, tied to it for screen readers.
        for field_id, words in (
            ("set-timeout", "more than 0 and at most 3600 seconds"),
            ("set-trust", "There is no file at this path."),
            ("set-delivery", "paste your mediator’s invitation above"),  # there is none
        ):
            line = page.locator(f"#{field_id} + .field-problem")
            await expect(line).to_contain_text(words)
            field = page.locator(f"#{field_id}")
            await expect(field).to_have_attribute("aria-invalid", "true")
            assert f"{field_id}-problem" in (await field.get_attribute("aria-describedby") or "")
        status_text = await form.locator("[data-form-status]").inner_text()
        assert "exchange_timeout" not in status_text and "trust_list" not in status_text
        await screenshot(page, "settings-field-problems")
        assert (config_file.read_bytes() if config_file.exists() else None) == before
        await form.get_by_label("Trust list").fill("")
        await form.get_by_label("Your name for others").fill("Ada at 200 %")
        await form.get_by_label("Waiting time for others (seconds)").fill("75")
        await form.get_by_label("Log detail").select_option("debug")
        await form.get_by_label("How messages reach you").select_option("direct")
        await form.get_by_role("button", name="Save settings").click()
        await expect(page.locator("#settings-saved")).to_contain_text(
            "Start your wallet again to use the new settings for: Your name for others,"
        )
        await expect(page.locator(".field-problem")).to_have_count(0)
        await page.reload()
        await expect(form.get_by_label("Waiting time for others (seconds)")).to_have_value("75")
    assert config_file.read_bytes() != before
    saved = load_settings(config_file)
    assert (saved.label, saved.exchange_timeout, saved.log_level) == ("Ada at 200 %", 75.0, "debug")
    assert saved.delivery == "direct"  # chosen on the form, so written to the file
    assert oct(config_file.stat().st_mode & 0o777) == "0o600"

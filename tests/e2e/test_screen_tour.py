"""Issue #18 point 6, by eye and by machine: every screen of a real, filled wallet in English
and German, at 1280 and 360 px wide. Each is saved as a screenshot
(test-artifacts/screenshots/tour-<screen>-<language>-<width>px.png, technical details
unfolded), checked by axe-core (no serious or critical violation) and must not scroll
sideways. One wallet, one browser per language, the two languages side by side.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from demo.peers import IssuerPeer, VerifierPeer
from tests.e2e.browser import axe_problems, chromium, horizontal_overflow, screenshot
from tests.e2e.tour_wallet import Screen, tour_screens
from tests.integration.proof_peers import api_ok
from tests.integration.wallet_cli import WalletCli
from ui.web.i18n import LANGUAGE_COOKIE, LANGUAGES

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

LOCALES = {"en": "en-GB", "de": "de-DE"}
WIDTHS = (1280, 360)
BEFORE_LOGIN = [
    Screen("login", "/history", 401),
    Screen("login-used-up", "/login?code=used-up", 401),
]
UNFOLD = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


async def _check(page: Page, base: str, screen: Screen, language: str, width: int) -> list[str]:
    """Open one screen and say what is wrong with it (nothing: an empty list)."""
    where = f"{screen.name} ({language}, {width} px)"
    response = await page.goto(base + screen.path)
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    problems = []
    if response is None or response.status != screen.status:
        problems.append(f"{where}: HTTP {response and response.status}, not {screen.status}")
    if await page.locator("html").get_attribute("lang") != language:
        problems.append(f"{where}: the page is not in {language}")
    await page.evaluate(UNFOLD)
    await screenshot(page, f"tour-{screen.name}-{language}-{width}px")
    problems += [f"{where}: {p}" for p in await axe_problems(page)]
    if (overflow := await horizontal_overflow(page)) > 0:
        problems.append(f"{where}: the page scrolls sideways by {overflow} px")
    return problems


async def _tour(
    learner: WalletCli, screens: list[Screen], language: str, profile: Path, login: asyncio.Lock
) -> list[str]:
    """All screens in one language: the login screens first, then logged in (one language
    at a time: the wallet keeps one login code, so a second link would void the first)."""
    base = learner.run_facts()["ui_url"].rstrip("/")
    problems: list[str] = []
    async with chromium(profile, locale=LOCALES[language]) as context:
        await context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": base}])
        page = await context.new_page()
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 800})
            for screen in BEFORE_LOGIN:
                problems += await _check(page, base, screen, language, width)
        async with login:
            link = await api_ok(learner, "POST", "/api/session/login-link")
            await page.goto(link["login_url"])
            await expect(page).to_have_url(base + "/")
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 800})
            for screen in screens:
                problems += await _check(page, base, screen, language, width)
    return problems


async def test_every_screen_in_english_and_german_at_1280_and_360_px(
    learner: WalletCli, issuer: IssuerPeer, verifier: VerifierPeer, tmp_path: Path
) -> None:
    screens = await tour_screens(learner, issuer, verifier)
    login = asyncio.Lock()
    found = await asyncio.gather(
        *(_tour(learner, screens, language, tmp_path / language, login) for language in LANGUAGES)
    )
    problems = [problem for language in found for problem in language]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)

"""Headless Chromium from Debian, driven by Playwright (never `playwright install`).

Helpers for the browser tests: a fresh profile per browser, screenshots as artifacts, and
axe-core (installed from npm into tests/e2e/js by scripts/setup-e2e.sh) run on a page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Page, async_playwright, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "tests" / "e2e" / "js" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DEADLINE_MS = 60_000
expect.set_options(timeout=DEADLINE_MS)  # 2 cores, busy peers: be generous


@asynccontextmanager
async def chromium(profile: Path, **options: Any) -> AsyncIterator[BrowserContext]:
    """One Chromium with a fresh user-data-dir (British English unless `locale` says
    otherwise); closed (by its handle) on exit."""
    assert Path(CHROMIUM).exists(), "run scripts/setup-e2e.sh first (installs chromium)"
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            **{"locale": "en-GB", **options},
        )
        context.set_default_timeout(DEADLINE_MS)
        try:
            yield context
        finally:
            await context.close()


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def axe_problems(page: Page) -> list[str]:
    """Serious or critical axe-core violations on the page, one line each."""
    assert AXE.exists(), "run scripts/setup-e2e.sh first (installs axe-core)"
    # Evaluated through the DevTools protocol, so the page's CSP (rightly) does not apply.
    await page.evaluate(AXE.read_text("utf-8") + "\n;true")
    result = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing overflows)."""
    return await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

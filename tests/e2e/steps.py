"""Steps the browser tests share: log in with the printed link, wait for live updates."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from demo.peers import VerifierPeer
from tests.integration.proof_peers import COURSE
from tests.integration.wallet_cli import WalletCli, wait_for

LOGIN_LINE = "Open this link to log in"
ONLY_OURS_KEY = "cred_def_id"


def login_url(learner: WalletCli) -> str:
    line = wait_for(lambda: learner._line_with(LOGIN_LINE), "the printed login link")
    return line.rsplit(" ", 1)[1]


async def log_in(page: Page, learner: WalletCli) -> None:
    await page.goto(login_url(learner))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your wallet")


async def open_screen(page: Page, name: str) -> None:
    """Follow a main-menu link and wait until the new page has loaded."""
    async with page.expect_navigation():
        await page.get_by_role("navigation").get_by_role("link", name=name).click()


async def listening(page: Page) -> None:
    """Wait until the page's EventSource is open, so no event can slip past it."""
    await page.wait_for_selector("body[data-live-connected='yes']", state="attached")


async def mark_document(page: Page) -> None:
    await page.evaluate("() => { window.__sameDocument = 'yes'; }")


async def same_document(page: Page) -> bool:
    """True when the page was not reloaded since `mark_document`."""
    return await page.evaluate("() => window.__sameDocument === 'yes'")


async def course_check(verifier: VerifierPeer, connection_id: str, cred_def_id: str) -> str:
    """The verifier asks for the course title and name (hideable) and proof of a pass."""
    ours: list[dict[str, Any]] = [{ONLY_OURS_KEY: cred_def_id}]
    return await verifier.request_proof_anoncreds(
        connection_id,
        {
            "course": {"name": "course_title", "restrictions": ours},
            "who": {"name": "learner_name", "restrictions": ours},
        },
        {"passed": {"name": "score", "p_type": ">=", "p_value": 70, "restrictions": ours}},
        name="Course check",
        comment="To confirm your course result for the job application",
    )


__all__ = [
    "COURSE",
    "course_check",
    "listening",
    "log_in",
    "mark_document",
    "open_screen",
    "same_document",
]

"""Settings → Delete everything (issue #16, point 7) on the real wallet, in Chromium.

The word must be typed; then the wallet stops, its data dir and keyring entry are gone, and
the same browser lands on the welcome, where a new wallet can be started at once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import keyring
import pytest
from markupsafe import escape
from playwright.async_api import expect

from tests.e2e.browser import axe_problems, chromium, screenshot
from tests.e2e.steps import log_in
from tests.integration.wallet_cli import WalletCli, wait_for
from ui.web.i18n import catalogue
from wallet.wallet_key import KEYRING_SERVICE

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
EN = catalogue("en")


async def test_delete_everything_needs_the_word_then_leaves_nothing(
    learner: WalletCli, tmp_path: Path
) -> None:
    data_dir = learner.data_dir
    assert keyring.get_password(KEYRING_SERVICE, str(data_dir))
    base = learner.run_facts()["ui_url"].rstrip("/")
    async with chromium(tmp_path / "profile", viewport={"width": 1280, "height": 900}) as ctx:
        page = await ctx.new_page()
        await log_in(page, learner)
        await page.goto(base + "/settings")
        form = page.locator("#wipe-form")
        field = form.get_by_label(EN.text("wipe.confirm_label", word=EN.text("wipe.confirm_word")))
        button = form.get_by_role("button", name=EN.text("wipe.button"))

        await button.click()  # nothing typed
        await expect(form.locator("[data-form-status]")).to_contain_text(
            EN.text("field_problem.wipe_confirm")
        )
        await field.fill("yes")
        await button.click()
        await expect(field).to_have_attribute("aria-invalid", "true")
        await screenshot(page, "settings-delete-refused")
        assert (data_dir / "wallet.json").exists() and learner.status()["ready"]

        await field.fill(EN.text("wipe.confirm_word"))
        await button.click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(EN.text("welcome.heading"))
        await expect(page.locator("#wiped-notice")).to_contain_text(EN.text("welcome.wiped"))
        await screenshot(page, "welcome-after-delete")
        assert not await axe_problems(page)
        assert not data_dir.exists()
        assert keyring.get_password(KEYRING_SERVICE, str(data_dir)) is None
        await asyncio.to_thread(
            wait_for, lambda: learner._line_with("Deleted the wallet in"), "the terminal's word"
        )
        assert learner.process is not None and learner.process.poll() is None  # still serving

        # The same browser session goes on: a new wallet, without a new login link.
        await page.get_by_role("button", name=EN.text("welcome.new.button")).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            EN.text("welcome.done.heading_new")
        )
        opening = page.get_by_role("link", name=EN.text("welcome.done.open"))
        await opening.click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Your wallet")
        assert (data_dir / "wallet.json").exists()
        assert keyring.get_password(KEYRING_SERVICE, str(data_dir))
        assert (
            str(escape(EN.text("wipe.heading")))
            in await (await page.goto(base + "/settings")).text()
        )

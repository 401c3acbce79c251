"""Settings › Backup in Chromium: the recovery phrase is shown once and checked by two of its
words, a folder is chosen, "Back up now" writes a file there, and Home says when."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.e2e.browser import axe_problems, chromium, horizontal_overflow, screenshot
from tests.e2e.steps import log_in
from tests.integration.wallet_cli import WalletCli
from wallet.backup.archive import read_backup_header, unlock, verify
from wallet.backup.phrase import secret_for_key

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


async def test_the_backup_section_from_phrase_to_a_file_and_the_home_line(
    learner: WalletCli, tmp_path: Path
) -> None:
    folder = tmp_path / "cloud"
    folder.mkdir()
    base = learner.run_facts()["ui_url"].rstrip("/")
    async with chromium(tmp_path / "profile") as context:
        page = await context.new_page()
        await log_in(page, learner)
        nag = page.locator("[data-backup-nag]")
        await expect(nag).to_contain_text("Your credentials exist only on this computer.")
        async with page.expect_navigation():
            await nag.get_by_role("link", name="Set up a backup").click()
        assert page.url.endswith("/settings#backup")
        section = page.locator("#backup")
        await expect(section).to_contain_text("Automatic backups are off: first choose")

        await section.get_by_role("button", name="Show me a recovery phrase").click()
        words_list = page.locator("#backup-phrase-words li")
        await expect(words_list).to_have_count(12)
        words = await words_list.all_inner_texts()
        await expect(section).to_contain_text("Write these 12 words on paper now.")
        labels = await page.locator("#backup-check-form label").all_inner_texts()
        positions = [int(re.sub(r"\D", "", label)) for label in labels]
        assert len(set(positions)) == 2 and all(1 <= p <= 12 for p in positions)
        await screenshot(page, "settings-backup-phrase")
        assert not await axe_problems(page)
        assert await horizontal_overflow(page) <= 0

        for position in positions:
            await page.get_by_label(f"Word {position}", exact=True).fill(words[position - 1])
        async with page.expect_navigation():
            await section.get_by_role("button", name="Check and keep this phrase").click()
        await expect(section).to_contain_text(
            "Your backups open with the recovery phrase you wrote down."
        )
        assert " ".join(words) not in await page.content()  # shown once: never again
        await expect(page.locator("#backup-phrase")).to_be_hidden()

        await page.get_by_label("Backup folder").fill(str(folder))
        await page.get_by_label("How many backups to keep").fill("3")
        async with page.expect_navigation():
            await section.get_by_role("button", name="Save", exact=True).click()
        await expect(section).to_contain_text(f"into {folder}. The newest 3 are kept.")

        async with page.expect_navigation():
            await section.get_by_role("button", name="Back up now").click()
        await expect(section).to_contain_text(
            re.compile(rf"Last backup: today \d\d:\d\d, in {folder}")
        )
        await screenshot(page, "settings-backup-done")

        await page.goto(base + "/")
        await expect(page.locator("[data-backup-line]")).to_contain_text(
            re.compile(rf"Last backup: today \d\d:\d\d, in {folder}")
        )
        await expect(page.locator("[data-backup-nag]")).to_have_count(0)
        await screenshot(page, "home-last-backup")

    files = list(folder.glob("learner-wallet-*.lwbackup"))
    assert len(files) == 1
    master = unlock(read_backup_header(files[0]), secret_for_key(" ".join(words), "phrase"))
    verify(files[0], master)  # the words shown once open the file the button wrote

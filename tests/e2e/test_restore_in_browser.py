"""Moving laptops (issue #16, points 3 and 8): backed up in Settings, restored at first start.

The first wallet gets a real credential from the real issuer and is backed up in Settings ›
Backup (a passphrase of the learner's own, a folder, "Back up now"), then stopped.
A second, empty data dir on a "machine" without a keyring runs `start`: the welcome page
takes the backup file and the passphrase (a wrong one first: a plain error, nothing
written), asks for a new wallet passphrase, restores, and hands the browser over to the
wallet, which lists the credential and receives a new offer on the old connection.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from demo.peers import DidWebHostProcess, IssuerPeer, poll_until
from tests.e2e.browser import axe_problems, chromium, screenshot
from tests.e2e.steps import log_in, login_url
from tests.integration.proof_peers import (
    COURSE,
    DEADLINE,
    accept_next_offer,
    api_ok,
    connect,
    issue_anoncreds,
)
from tests.integration.wallet_cli import WalletCli, pid_alive, wait_for
from ui.web.i18n import catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

BACKUP_SECRET = "a backup passphrase for the browser test"
NEW_PASSPHRASE = "the new laptop's wallet passphrase"
# The second machine has no keyring: the welcome asks for a new wallet passphrase.
NEW_MACHINE = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
EN = catalogue("en")


async def back_up(page: Page, wallet: WalletCli, folder: Path) -> Path:
    """Settings › Backup as a learner does it: a passphrase of their own, a folder, Back up now."""
    await log_in(page, wallet)
    await page.goto(wallet.run_facts()["ui_url"].rstrip("/") + "/settings#backup")
    section = page.locator("#backup")
    await section.get_by_text(EN.text("backup.passphrase_instead")).click()
    await page.locator("#backup-passphrase").fill(BACKUP_SECRET)
    await page.get_by_label(EN.text("backup.passphrase_repeat")).fill(BACKUP_SECRET)
    async with page.expect_navigation():
        await section.get_by_role("button", name=EN.text("backup.passphrase_button")).click()
    await expect(section).to_contain_text(EN.text("backup.secret_passphrase"))
    await page.get_by_label(EN.text("backup.folder_label")).fill(str(folder))
    async with page.expect_navigation():
        await section.get_by_role("button", name=EN.text("backup.save_folder"), exact=True).click()
    async with page.expect_navigation():
        await section.get_by_role("button", name=EN.text("backup.now")).click()
    await expect(section).to_contain_text(f"in {folder}")
    await screenshot(page, "settings-backup-for-restore")
    return max(folder.glob("learner-wallet-*.lwbackup"), key=lambda file: file.stat().st_mtime)


async def stop(wallet: WalletCli) -> None:
    """`learner-wallet stop`, as a learner leaving the old laptop would, and wait for the end."""
    stopped = await asyncio.to_thread(wallet.run, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert wallet.process is not None
    await asyncio.to_thread(
        wait_for, lambda: not pid_alive(wallet.process.pid), "the old wallet to end"
    )


async def restore_in_browser(page: Page, file: Path, secret: str) -> None:
    form = page.locator("#restore-form")
    await form.get_by_label(EN.text("welcome.restore.file")).set_input_files(file)
    await form.get_by_label(EN.text("welcome.restore.secret")).fill(secret)
    await form.get_by_label(EN.text("welcome.passphrase.first")).fill(NEW_PASSPHRASE)
    await form.get_by_label(EN.text("welcome.passphrase.repeat")).fill(NEW_PASSPHRASE)
    await form.get_by_role("button", name=EN.text("welcome.restore.button")).click()


async def test_a_backup_restored_in_the_browser_brings_the_wallet_back(
    learner: WalletCli, issuer: IssuerPeer, didweb_host: DidWebHostProcess, tmp_path: Path
) -> None:
    connection = await connect(learner, issuer)
    credential_id = await issue_anoncreds(issuer, learner, connection)
    folder = tmp_path / "backups"
    folder.mkdir()
    new = WalletCli(
        tmp_path / "new-laptop", **didweb_host.agent_env, **NEW_MACHINE, LEARNER_WALLET_WELCOME="1"
    )
    async with chromium(tmp_path / "profile", viewport={"width": 1280, "height": 900}) as ctx:
        page = await ctx.new_page()
        backup = await back_up(page, learner, folder)
        await stop(learner)
        try:
            await asyncio.to_thread(new.start)
            await page.goto(login_url(new))
            await expect(page.get_by_role("heading", level=1)).to_have_text(
                EN.text("welcome.heading")
            )
            await screenshot(page, "welcome")
            assert not await axe_problems(page)

            await restore_in_browser(page, backup, "not the passphrase of this backup")
            status = page.locator("#restore-form [data-form-status]")
            await expect(status).to_contain_text(EN.text("error.backup_wrong_secret"))
            await screenshot(page, "welcome-wrong-phrase")
            assert not new.data_dir.exists() or not any(new.data_dir.iterdir())

            await restore_in_browser(page, backup, BACKUP_SECRET)
            await expect(page.get_by_role("heading", level=1)).to_have_text(
                EN.text("welcome.done.heading_restored")
            )
            await expect(page.locator("#welcome-done-lines")).to_contain_text("Never run both")
            opening = page.get_by_role("link", name=EN.text("welcome.done.open"))
            await expect(opening).to_be_visible()
            await screenshot(page, "welcome-restored")
            await opening.click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Your wallet")

            await page.goto(new.run_facts()["ui_url"].rstrip("/") + "/credentials")
            listed = page.locator(
                f'main a[href^="/credentials/anoncreds"][href$="{credential_id}"]'
            )
            await expect(listed.first).to_be_visible()

            await issuer.offer_anoncreds(connection, {**COURSE, "score": "91"})
            second = await accept_next_offer(new)
            assert second["credential_id"] != credential_id

            async def both_listed() -> bool:
                return (await api_ok(new, "GET", "/api/credentials"))["total"] == 2

            await poll_until("both credentials listed", both_listed, DEADLINE)
            await page.reload()
            await expect(page.locator('main li a[href^="/credentials/anoncreds"]')).to_have_count(2)
        finally:
            await asyncio.to_thread(new.kill)

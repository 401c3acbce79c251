"""`learner-wallet wipe`: once confirmed, the whole data dir and the keyring entry go."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from config.data_dir import DataDir
from ui.cli import exit_codes
from ui.cli.main import main
from ui.cli.wipe import wipe
from wallet.provision import ensure_ui_token
from wallet.wallet_key import KEYRING_SERVICE, WalletKeyError, load_key, provision_key
from wallet.wipe import wipe_data_dir


def _no_prompt(prompt: str) -> str:
    raise AssertionError(f"unexpected prompt {prompt!r}")


def _wallet(root: Path) -> DataDir:
    """What `init` leaves, at the file boundary: wallet.json and the keyring entry from the
    code `init` uses; stores, logs and settings as files in their places."""
    data_dir = DataDir(root)
    root.mkdir(parents=True)
    provision_key(data_dir, _no_prompt)
    ensure_ui_token(data_dir)
    store = data_dir.acapy_wallet_dir("learner-x") / "sqlite.db"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"askar")
    data_dir.controller_store.mkdir()
    (data_dir.controller_store / "sqlite.db").write_bytes(b"askar: history, backup key")
    data_dir.logs.mkdir()
    (data_dir.logs / "wallet.log").write_text("log\n")
    data_dir.config_file.write_text('label = "Ada"\n')
    return data_dir


def _files(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}


def _key(data_dir: DataDir) -> str | None:
    return keyring.get_password(KEYRING_SERVICE, str(data_dir.root))


def test_with_yes_everything_goes_including_the_keyring_entry(tmp_path: Path, capsys) -> None:
    data_dir = _wallet(tmp_path / "wallet")
    beside = tmp_path / "beside.txt"
    beside.write_text("not the wallet's")
    assert _key(data_dir)
    assert main(["wipe", "--data-dir", str(data_dir.root), "--yes"]) == exit_codes.OK
    assert not data_dir.root.exists()
    assert _key(data_dir) is None
    assert beside.read_text() == "not the wallet's"
    out = capsys.readouterr().out
    assert "and its key in the OS keyring" in out
    for unreachable in ("backup files", "other computers", "issuers, verifiers", "mediator"):
        assert unreachable in out


def test_the_typed_word_confirms_and_anything_else_deletes_nothing(tmp_path: Path, capsys) -> None:
    data_dir = _wallet(tmp_path / "wallet")
    before = _files(data_dir.root)
    for answer in ("", "yes", "Ada", "del"):
        assert wipe(data_dir, yes=False, ask=lambda _p, a=answer: a) == exit_codes.NOT_CONFIRMED
        assert _files(data_dir.root) == before and _key(data_dir)
    out = capsys.readouterr().out
    assert "Nothing was deleted." in out and "backup files you made" in out
    assert wipe(data_dir, yes=False, ask=lambda _p: " Delete ") == exit_codes.OK
    assert not data_dir.root.exists() and _key(data_dir) is None


def test_without_a_terminal_it_needs_yes(tmp_path: Path, capsys, monkeypatch) -> None:
    data_dir = _wallet(tmp_path / "wallet")
    before = _files(data_dir.root)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert main(["--data-dir", str(data_dir.root), "wipe"]) == exit_codes.USAGE
    assert "--yes" in capsys.readouterr().err
    assert _files(data_dir.root) == before and _key(data_dir)


@pytest.fixture
def running_controller() -> Iterator[int]:
    """A process whose command line names learner-wallet, as `start`'s does."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "learner-wallet", "start"]
    )
    yield process.pid
    process.kill()
    process.wait(timeout=10)


def test_a_running_wallet_is_refused_and_nothing_deleted(
    tmp_path: Path, capsys, running_controller: int
) -> None:
    data_dir = _wallet(tmp_path / "wallet")
    data_dir.run_file.write_text(json.dumps({"controller_pid": running_controller}))
    before = _files(data_dir.root)
    assert wipe(data_dir, yes=True) == exit_codes.WALLET_RUNNING
    err = capsys.readouterr().err
    assert "is running; stop it first" in err and "stop" in err
    assert _files(data_dir.root) == before and _key(data_dir)


def test_a_dir_without_wallet_json_is_refused(tmp_path: Path, capsys) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"jpeg")
    assert main(["wipe", "--data-dir", str(other), "--yes"]) == exit_codes.NO_WALLET
    assert "does not look like a Learner Wallet" in capsys.readouterr().err
    assert (other / "holiday.jpg").read_bytes() == b"jpeg"
    missing = tmp_path / "nothing"
    assert main(["wipe", "--data-dir", str(missing), "--yes"]) == exit_codes.NO_WALLET
    assert not missing.exists()


def test_a_passphrase_wallet_has_no_key_to_remove(tmp_path: Path, capsys, monkeypatch) -> None:
    data_dir = _wallet(tmp_path / "wallet")
    record = json.loads(data_dir.wallet_file.read_text())
    data_dir.wallet_file.write_text(json.dumps({**record, "key_storage": "passphrase"}))
    keyring.delete_password(KEYRING_SERVICE, str(data_dir.root))
    assert wipe(data_dir, yes=True) == exit_codes.OK
    assert not data_dir.root.exists()
    assert "keyring" not in capsys.readouterr().out.split("\n")[0]


def test_a_wallet_inside_goes_with_its_key(tmp_path: Path) -> None:
    """The demo's wallet lives inside the default data dir: its keyring entry goes too."""
    data_dir = _wallet(tmp_path / "wallet")
    demo = _wallet(data_dir.root / "demo")
    assert wipe(data_dir, yes=True) == exit_codes.OK
    assert not data_dir.root.exists() and _key(demo) is None


def test_an_interrupted_wipe_leaves_no_wallet_to_open_and_finishes_when_run_again(
    tmp_path: Path, monkeypatch
) -> None:
    data_dir = _wallet(tmp_path / "wallet")

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("wallet.wipe.shutil.rmtree", interrupted)
    with pytest.raises(KeyboardInterrupt):
        wipe_data_dir(data_dir)
    assert not data_dir.is_initialized()  # `start` says "no wallet"; it opens nothing
    assert data_dir.acapy_home.exists() and _key(data_dir) is None  # unreadable without it
    with pytest.raises(WalletKeyError, match="no wallet"):
        load_key(data_dir, _no_prompt)
    monkeypatch.undo()
    assert wipe(data_dir, yes=True) == exit_codes.OK
    assert not data_dir.root.exists()


def test_a_keyring_that_refuses_keeps_the_marker_for_another_try(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    data_dir = _wallet(tmp_path / "wallet")

    def locked(*_args: object) -> None:
        raise keyring.errors.KeyringLocked("locked")

    monkeypatch.setattr(keyring, "delete_password", locked)
    assert wipe(data_dir, yes=True) == exit_codes.FAILED
    assert "not its key" in capsys.readouterr().err
    assert [p.name for p in data_dir.root.iterdir()] == [data_dir.wipe_marker.name]
    monkeypatch.undo()
    assert wipe(data_dir, yes=True) == exit_codes.OK
    assert not data_dir.root.exists() and _key(data_dir) is None

"""The command a hint names must reach the same wallet when pasted into a shell."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from config.data_dir import HOME_VARIABLE, DataDir, default_data_dir, demo_data_dir
from config.wallet_command import wallet_command

ECHO_ARGS = "#!/bin/sh\nprintf '%s\\n' \"$@\"\n"


@pytest.fixture
def venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake venv bin with a `learner-wallet` that echoes its arguments, on PATH; XDG dirs
    and $LEARNER_WALLET_HOME are the test's own."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "learner-wallet"
    script.write_text(ECHO_ARGS)
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv(HOME_VARIABLE, raising=False)
    return bin_dir


def _pasted(command: str, path: str) -> list[str]:
    """What the shell hands to `learner-wallet` when the learner pastes `command`."""
    done = subprocess.run(
        ["/bin/sh", "-c", command],
        env={"PATH": path},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout.splitlines()


def test_the_default_dir_needs_no_option(venv: Path) -> None:
    home = default_data_dir()
    assert home.root == (venv.parent.parent / "xdg-data" / "learner-wallet").resolve()
    assert wallet_command(home, "start") == "learner-wallet start"
    assert wallet_command(home, "login", in_browser=True) == "learner-wallet login"


def test_a_custom_dir_is_named(venv: Path, tmp_path: Path) -> None:
    wallet = DataDir(tmp_path / "mine")
    command = wallet_command(wallet, "start")
    assert command == f"learner-wallet --data-dir {wallet.root} start"
    assert _pasted(command, os.environ["PATH"]) == ["--data-dir", str(wallet.root), "start"]


def test_the_demo_dir_is_named(venv: Path) -> None:
    demo = demo_data_dir()
    assert demo.root == default_data_dir().root / "demo"
    assert wallet_command(demo, "login") == f"learner-wallet --data-dir {demo.root} login"


def test_a_path_with_spaces_and_quotes_survives_the_shell(venv: Path, tmp_path: Path) -> None:
    wallet = DataDir(tmp_path / "my wallet's $HOME; rm -rf x")
    command = wallet_command(wallet, "status")
    assert _pasted(command, os.environ["PATH"]) == ["--data-dir", str(wallet.root), "status"]


def test_a_relative_dir_is_named_absolutely(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command = wallet_command(DataDir(Path("rel")), "start")
    assert shlex.split(command) == ["learner-wallet", "--data-dir", str(tmp_path / "rel"), "start"]


def test_the_env_variable_works_in_this_shell_but_not_in_a_browser(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wallet = DataDir(tmp_path / "from-env")
    monkeypatch.setenv(HOME_VARIABLE, str(wallet.root))
    assert wallet_command(wallet, "start") == "learner-wallet start"
    in_browser = wallet_command(wallet, "login", in_browser=True)
    assert in_browser == f"learner-wallet --data-dir {wallet.root} login"


def test_the_default_dir_is_named_when_the_env_variable_points_elsewhere(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HOME_VARIABLE, str(tmp_path / "elsewhere"))
    home = default_data_dir()
    expected = f"learner-wallet --data-dir {home.root} start"
    assert wallet_command(home, "start") == expected
    assert wallet_command(home, "start", in_browser=True) == expected


def test_off_path_the_full_path_of_this_install_is_named(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"/usr/bin{os.pathsep}/bin")
    command = wallet_command(DataDir(tmp_path / "w"), "login")
    assert shlex.split(command)[0] == str(venv / "learner-wallet")
    assert _pasted(command, os.environ["PATH"]) == ["--data-dir", str(tmp_path / "w"), "login"]


def test_another_install_on_path_is_not_trusted(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-bin"
    other.mkdir()
    (other / "learner-wallet").write_text("#!/bin/sh\necho wrong wallet\n")
    (other / "learner-wallet").chmod(0o755)
    monkeypatch.setenv("PATH", f"{other}{os.pathsep}{venv}{os.pathsep}/usr/bin")
    command = wallet_command(default_data_dir(), "start")
    assert command == f"{venv / 'learner-wallet'} start"


def test_a_symlink_to_this_install_on_path_counts_as_on_path(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked = tmp_path / "local-bin"
    linked.mkdir()
    (linked / "learner-wallet").symlink_to(venv / "learner-wallet")
    monkeypatch.setenv("PATH", f"{linked}{os.pathsep}/usr/bin")
    assert wallet_command(default_data_dir(), "start") == "learner-wallet start"


def test_without_an_installed_script_the_module_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = tmp_path / "bare" / "bin"
    bare.mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", str(bare / "python3"))
    monkeypatch.delenv(HOME_VARIABLE, raising=False)
    command = wallet_command(DataDir(tmp_path / "w"), "start")
    assert shlex.split(command)[:3] == [str(bare / "python3"), "-m", "ui.cli.main"]


def test_the_real_command_works_when_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This venv's own `learner-wallet`, off PATH, on a dir with a space: status answers."""
    wallet = DataDir(tmp_path / "a wallet")
    monkeypatch.delenv(HOME_VARIABLE, raising=False)
    monkeypatch.setenv("PATH", f"/usr/bin{os.pathsep}/bin")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    command = wallet_command(wallet, "status")
    assert shlex.split(command)[0] == str(Path(sys.executable).parent / "learner-wallet")
    done = subprocess.run(
        ["/bin/sh", "-c", command], env=dict(os.environ), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 7, done.stderr  # not running, in the named dir
    assert f"({wallet.root}: not initialized)" in done.stdout

"""Each exit code means one thing, and `--help` and README.md list each code once."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from config.data_dir import HOME_VARIABLE, DataDir
from ui.cli import exit_codes, lifecycle
from ui.cli.demo import DEMO_MARKER
from ui.cli.demo import demo as run_demo
from ui.cli.main import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def _codes() -> dict[str, int]:
    return {
        name: value
        for name, value in vars(exit_codes).items()
        if name.isupper() and isinstance(value, int)
    }


def _listed(text: str) -> list[tuple[int, str]]:
    """The `Exit codes: 0 ok, 1 failed, ….` sentence, as (code, meaning) pairs in order."""
    assert text.count("Exit codes: ") == 1, "the codes must be listed exactly once"
    sentence = " ".join(text.split("Exit codes: ", 1)[1].split(".", 1)[0].split())
    pairs = re.findall(r"(\d+) (.+?)(?=, \d+ |$)", sentence)
    return [(int(code), meaning) for code, meaning in pairs]


def test_every_code_has_one_value_and_one_meaning() -> None:
    codes = _codes()
    assert len(set(codes.values())) == len(codes), codes
    assert set(exit_codes.MEANINGS) == set(codes.values())
    assert len(set(exit_codes.MEANINGS.values())) == len(exit_codes.MEANINGS)
    assert exit_codes.DEMO_RUNNING not in (exit_codes.NO_WALLET, exit_codes.DATA_DIR_TAKEN)


def test_help_lists_each_code_once_with_its_meaning() -> None:
    assert _listed(build_parser().epilog or "") == list(exit_codes.MEANINGS.items())


def test_readme_lists_the_same_codes_once() -> None:
    text = README.read_text(encoding="utf-8")
    assert _listed(text) == list(exit_codes.MEANINGS.items())


def _demo_dir(tmp_path: Path) -> DataDir:
    data_dir = DataDir(tmp_path / "demo dir")
    data_dir.root.mkdir()
    (data_dir.root / DEMO_MARKER).write_text("demo\n")
    return data_dir


def test_a_demo_that_already_runs_has_its_own_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = _demo_dir(tmp_path)
    data_dir.run_file.write_text(json.dumps({"controller_pid": os.getpid()}))
    before = sorted(data_dir.root.iterdir())
    assert run_demo(data_dir, auto=True) == exit_codes.DEMO_RUNNING == 9
    error = capsys.readouterr().err
    assert "a demo already runs" in error
    assert f"--data-dir '{data_dir.root}' stop" in error
    assert sorted(data_dir.root.iterdir()) == before


def test_a_dir_that_is_not_a_demos_is_refused_with_its_own_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = DataDir(tmp_path / "someone-elses")
    data_dir.root.mkdir()
    data_dir.wallet_file.write_text("{}")
    assert run_demo(data_dir, auto=True) == exit_codes.DATA_DIR_TAKEN
    assert "not a demo data dir" in capsys.readouterr().err
    assert data_dir.wallet_file.read_text() == "{}"


def test_init_over_a_wallet_and_start_without_one_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(HOME_VARIABLE, raising=False)
    taken = DataDir(tmp_path / "taken")
    taken.root.mkdir()
    taken.wallet_file.write_text("{}")
    assert lifecycle.init(taken) == exit_codes.DATA_DIR_TAKEN
    error = capsys.readouterr().err
    assert "already exists" in error and f"--data-dir {taken.root} start`" in error
    empty = DataDir(tmp_path / "empty")
    assert lifecycle.start(empty) == exit_codes.NO_WALLET
    assert f"--data-dir {empty.root} init`" in capsys.readouterr().err

"""Checks of a settings change beyond the rules of `WalletSettings`, made before anything is
saved: a trust list must be a file that reads as one, a mediator invitation must parse, a
backup folder must exist and take new files.

Each check returns what is wrong (a word the Settings screen puts into a sentence next to
the field) and a detail for experts; a value that passes may come back normalized.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protocols.connections.errors import InvitationError
from protocols.connections.mediator import mediator_invitation
from protocols.presentation.trust import check_trust_file
from wallet.trust_list import TrustListError


@dataclass(frozen=True)
class SettingProblem:
    name: str
    problem: str
    detail: str


def check_changes(changes: dict[str, Any]) -> tuple[dict[str, Any], list[SettingProblem]]:
    """The changes with paths made absolute, and every problem found."""
    checked = dict(changes)
    problems: list[SettingProblem] = []
    trust_list = changes.get("trust_list")
    if isinstance(trust_list, str) and trust_list.strip():
        path, problem = _trust_list(trust_list.strip())
        if problem:
            problems.append(problem)
        checked["trust_list"] = str(path)
    mediator = changes.get("mediator_invitation")
    if isinstance(mediator, str) and mediator.strip():
        problem = _mediator(mediator.strip())
        if problem:
            problems.append(problem)
        checked["mediator_invitation"] = mediator.strip()
    folder = changes.get("backup_folder")
    if isinstance(folder, str) and not folder.strip():
        checked["backup_folder"] = None  # an empty field turns automatic backups off
    elif isinstance(folder, str):
        path, problem = _backup_folder(folder.strip())
        if problem:
            problems.append(problem)
        checked["backup_folder"] = str(path)
    return checked, problems


def _expanded(text: str) -> Path:
    """`~` expanded; a `~name` of no known user stays as typed (and is no absolute path)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)


def _trust_list(text: str) -> tuple[Path, SettingProblem | None]:
    path = _expanded(text)
    if not path.is_absolute():
        return path, SettingProblem("trust_list", "not_absolute", f"{text} is a relative path")
    if not path.is_file():
        return path, SettingProblem("trust_list", "missing", f"no file at {path}")
    try:
        check_trust_file(path)  # each entry's invitation too
    except TrustListError as error:
        return path, SettingProblem("trust_list", "not_a_trust_list", str(error))
    return path, None


def _mediator(text: str) -> SettingProblem | None:
    try:
        mediator_invitation(text)
    except InvitationError as error:
        problem = "short_link" if error.reason == "short" else "not_an_invitation"
        return SettingProblem("mediator_invitation", problem, error.detail)
    return None


def _backup_folder(text: str) -> tuple[Path, SettingProblem | None]:
    path = _expanded(text)
    name = "backup_folder"
    if not path.is_absolute():
        return path, SettingProblem(name, "not_absolute", f"{text} is a relative path")
    if not path.exists():
        return path, SettingProblem(name, "missing", f"no folder at {path}")
    if not path.is_dir():
        return path, SettingProblem(name, "not_a_folder", f"{path} is a file")
    if not os.access(path, os.W_OK | os.X_OK):
        return path, SettingProblem(name, "not_writable", f"{path} is not writable")
    return path, None

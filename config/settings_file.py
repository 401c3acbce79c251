"""Changing `<data dir>/config.toml` from the Settings screen: validate, then replace atomically.

The file is read at start only, so a saved change applies after a restart. Only the
settings a learner may reasonably edit are accepted here; ports, endpoint and ledger
settings stay in the file for administrators. Values are checked with the very rules of
`WalletSettings`, so a file written here always loads again.
"""

from __future__ import annotations

import math
import os
import tomllib
import uuid
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.settings import SettingsError, WalletSettings

EDITABLE = (
    "label",
    "mediator_invitation",
    "delivery",
    "auto_accept_issuers",
    "trust_list",
    "exchange_timeout",
    "log_level",
    "backup_folder",
    "backup_keep",
)
# Read again before each backup (wallet/backup/auto.py): they apply without a restart.
APPLIED_AT_ONCE = ("backup_folder", "backup_keep")
ENV_PREFIX = "LEARNER_WALLET_"


# What can be wrong with one setting; the screens turn each into a sentence.
PROBLEM_OF_ERROR_TYPE = {
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "string_type": "not_text",
    "float_parsing": "not_a_number",
    "float_type": "not_a_number",
    "int_parsing": "not_a_number",
    "int_type": "not_a_number",
    "finite_number": "not_a_number",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "literal_error": "not_allowed",
    "list_type": "not_a_list",
    "extra_forbidden": "not_editable",
    "pickup_needs_mediator": "needs_mediator",
}


class SettingsRefused(Exception):
    """The change names settings that cannot be edited or values the rules do not allow.

    `problems` maps each setting at fault to what is wrong with it (a word of
    PROBLEM_OF_ERROR_TYPE's values, or `invalid`); `detail` says it for experts.
    """

    def __init__(self, problems: dict[str, str], detail: str) -> None:
        super().__init__(detail)
        self.problems = problems
        self.detail = detail


def saved_values(config_file: Path) -> dict[str, Any]:
    """What the file holds now (empty when there is none); SettingsError if unreadable."""
    if not config_file.exists():
        return {}
    try:
        with config_file.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"cannot read {config_file}: {error}") from None


def editable_of(settings: WalletSettings) -> dict[str, Any]:
    """The editable settings as JSON-ready values."""
    return settings.model_dump(mode="json", include=set(EDITABLE))


def in_force(settings: WalletSettings) -> dict[str, Any]:
    """The editable settings as the wallet applies them: delivery as chosen or by default."""
    return {**editable_of(settings), "delivery": settings.delivery_mode}


def save_settings(config_file: Path, changes: dict[str, Any]) -> WalletSettings:
    """Merge `changes` (None removes a setting: its default applies) into the file.

    Nothing is written unless the merged settings validate; the new file replaces the
    old in one rename, readable by its owner only.
    """
    settings, text = settings_text(config_file, changes)
    _replace(config_file, text)
    return settings


def settings_text(config_file: Path, changes: dict[str, Any]) -> tuple[WalletSettings, str]:
    """The settings the file would hold with `changes`, and its text; writes nothing.

    SettingsRefused names every setting at fault.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise SettingsRefused(
            dict.fromkeys(unknown, "not_editable"), f"editable are {', '.join(EDITABLE)}"
        )
    merged = saved_values(config_file)
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    try:
        settings = WalletSettings.model_validate(merged)  # the rules only: no env, no file
    except ValidationError as error:
        raise SettingsRefused(*_problems(error)) from None
    written = settings.model_dump(mode="json", include=set(merged))
    try:
        text = toml_text(written)
    except ValueError as error:
        raise SettingsRefused(dict.fromkeys(changes, "invalid"), str(error)) from None
    return settings, text


def overridden(names: list[str]) -> list[str]:
    """Settings whose LEARNER_WALLET_* variable wins over the file at the next start."""
    return [name for name in names if ENV_PREFIX + name.upper() in os.environ]


def toml_text(values: dict[str, Any]) -> str:
    """TOML for flat settings: strings, numbers, booleans and lists of strings."""
    lines = ["# Learner Wallet settings; read when the wallet starts."]
    for name in [field for field in WalletSettings.model_fields if field in values]:
        lines.append(f"{name} = {_toml_value(values[name])}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("settings are finite numbers")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise ValueError(f"cannot write {type(value).__name__} to config.toml")


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text with a broken character (lone surrogate)") from None
    escaped = []
    for char in text:
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _replace(config_file: Path, text: str) -> None:
    temporary = config_file.with_name(f".{config_file.name}.{uuid.uuid4().hex}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, config_file)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _problems(error: ValidationError) -> tuple[dict[str, str], str]:
    """Each setting at fault with what is wrong with it, and pydantic's words for experts."""
    problems: dict[str, str] = {}
    details = []
    for problem in error.errors():
        name = ".".join(str(part) for part in problem["loc"][:1]) or "settings"
        problems.setdefault(name, PROBLEM_OF_ERROR_TYPE.get(problem["type"], "invalid"))
        details.append(f"{name}: {problem['msg']}")
    return problems, "; ".join(details)

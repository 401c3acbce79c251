"""GET/PUT /api/settings: the editable settings, saved to config.toml for the next start."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from config.settings import SettingsError
from config.settings_file import (
    APPLIED_AT_ONCE,
    EDITABLE,
    SettingsRefused,
    editable_of,
    in_force,
    overridden,
    save_settings,
    saved_values,
    settings_text,
)
from protocols.connections.addresses import text_problem
from ui.web.errors import ApiError, Words
from ui.web.i18n import DEFAULT_LANGUAGE, catalogue
from ui.web.json_body import json_body
from ui.web.services import services_of
from ui.web.settings_checks import SettingProblem, check_changes

RESTART_MESSAGE = "saved; restart the wallet to apply"
MAX_TEXT = 70_000  # a mediator invitation may be up to 64 KiB
MAX_LIST_ITEMS = 1000
LINE_BREAKS = str.maketrans("\n\r\t", "   ")


async def get_settings(request: web.Request) -> web.Response:
    """What runs now and what the file says (they differ until the wallet restarts)."""
    services = services_of(request)
    config_file = services.data_dir.config_file
    try:
        saved = {k: v for k, v in saved_values(config_file).items() if k in EDITABLE}
    except SettingsError as error:
        raise _unreadable(error) from None
    running = editable_of(services.settings)
    return web.json_response(
        {
            "config_file": str(config_file),
            "editable": list(EDITABLE),
            "running": running,
            "saved": {**running, **saved},
        }
    )


async def put_settings(request: web.Request) -> web.Response:
    """Validate with the WalletSettings rules, write atomically, say what needs a restart."""
    services = services_of(request)
    changes, problems = check_changes(await _changes_of(request))
    config_file = services.data_dir.config_file
    try:
        settings_text(config_file, changes)  # the rules' verdict too, before anything is written
    except SettingsRefused as error:
        problems += [SettingProblem(n, p, error.detail) for n, p in error.problems.items()]
    except SettingsError as error:
        raise _unreadable(error) from None
    if problems:
        raise _refused(problems)
    try:
        saved = save_settings(config_file, changes)
    except SettingsError as error:
        raise _unreadable(error) from None
    running, applied = in_force(services.settings), in_force(saved)
    values = editable_of(saved)
    restart = [
        name for name in EDITABLE if name not in APPLIED_AT_ONCE and applied[name] != running[name]
    ]
    body: dict[str, Any] = {
        "saved": True,
        "config_file": str(services.data_dir.config_file),
        "settings": values,
        "restart_needed": restart,
        "message": RESTART_MESSAGE if restart else "saved; nothing changed",
        "overridden_by_environment": overridden(list(changes)),
    }
    return web.json_response(body)


async def _changes_of(request: web.Request) -> dict[str, Any]:
    changes = await json_body(request, "bad_json", whole_text=False)
    if not isinstance(changes, dict) or not changes:
        raise ApiError(400, "bad_json", detail=f"one or more of {', '.join(EDITABLE)}")
    problems = [p for name, value in changes.items() if (p := _shape_problem(name, value))]
    if problems:
        raise _refused(problems)
    return changes


def _shape_problem(name: str, value: Any) -> SettingProblem | None:
    """Settings are flat: text, numbers, yes/no, lists of text; anything else is refused
    before any rule or file check sees it (a path with a NUL byte, a nested object)."""
    if value is None or isinstance(value, bool | int | float):
        return None
    if isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS or not all(isinstance(item, str) for item in value):
            return SettingProblem(name, "not_a_list", f"at most {MAX_LIST_ITEMS} texts")
        return next((p for item in value if (p := _text_problem(name, item))), None)
    if isinstance(value, str):
        return _text_problem(name, value)
    return SettingProblem(name, "invalid", f"a {type(value).__name__} is no setting value")


def _text_problem(name: str, text: str) -> SettingProblem | None:
    if len(text) > MAX_TEXT:
        return SettingProblem(name, "too_long", f"longer than {MAX_TEXT} characters")
    problem = text_problem(text.translate(LINE_BREAKS))  # pasted invitation JSON has them
    return SettingProblem(name, "invalid", problem) if problem else None


def _refused(problems: list[SettingProblem]) -> ApiError:
    """One sentence per field at fault, next to the field; nothing was saved."""
    fields = {p.name: Words(_problem_key(p)) for p in reversed(problems)}
    detail = "; ".join(dict.fromkeys(f"{p.name}: {p.detail}" for p in problems))
    return ApiError(422, "invalid_settings", detail=detail, fields=fields)


def _problem_key(problem: SettingProblem) -> str:
    """`settings_problem.<setting>.<problem>`, else the problem's general sentence."""
    specific = f"settings_problem.{problem.name}.{problem.problem}"
    return (
        specific
        if specific in catalogue(DEFAULT_LANGUAGE).strings
        else (f"settings_problem.{problem.problem}")
    )


def _unreadable(error: SettingsError) -> ApiError:
    return ApiError(409, "config_unreadable", detail=str(error))


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/settings", get_settings)
    router.add_put("/api/settings", put_settings)

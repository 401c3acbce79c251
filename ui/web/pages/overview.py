"""Home, History and Settings: what waits for the learner, what was shared, how it runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from ui.web.errors import ApiError, words_of
from ui.web.i18n import LANGUAGE_COOKIE, LANGUAGES
from ui.web.pages.local_api import ApiAnswer, listed, local_api
from ui.web.pages.render import parse_moment, render
from ui.web.services import services_of
from wallet.backup.phrase import MIN_PASSPHRASE_LENGTH

RECENT = 5
EPOCH = datetime.fromtimestamp(0, UTC)
OPEN_STATUSES = ("waiting", "sending")  # still the learner's business


async def home(request: web.Request) -> web.Response:
    """Pending offers and proof requests first, then the latest activity: what was shared
    or declined (the history) and what arrived (the credentials, newest received first)."""
    api = local_api(request)
    status, offers, requests, history, received, backup, unread = await asyncio.gather(
        api.get("/api/status"),
        api.get("/api/offers", state="pending"),
        api.get("/api/requests"),
        api.get("/api/history", limit=RECENT),
        api.get("/api/credentials", sort="received", limit=RECENT),
        api.get("/api/backup"),
        api.get("/api/messages/unread"),
    )
    return render(
        request,
        "home.html",
        agent_status=status,
        offers=offers,
        offer_list=listed(offers.body, "offers"),
        requests=requests,
        request_list=[
            r for r in listed(requests.body, "requests") if r.get("status") in OPEN_STATUSES
        ],
        history=history,
        received=received,
        history_list=recent_activity(
            listed(history.body, "history", "entries"), listed(received.body, "items")
        ),
        unread_list=listed(unread.body, "conversations"),
        **backup_view(request, backup),
    )


def recent_activity(entries: list[Any], credentials: list[Any]) -> list[dict[str, Any]]:
    """History entries and credentials received, newest first, at most RECENT in all.

    A received credential becomes an entry of kind `received` (history_list.html shows it
    as "Received <title> from <issuer>", linking to the credential); one the learner
    imported from a file is already told by its history entry (kind `imported`).
    """
    shared = [entry for entry in entries if isinstance(entry, dict)]
    imported = {
        used.get("id")
        for entry in shared
        if entry.get("kind") == "imported"
        for used in entry.get("credentials") or []
        if isinstance(used, dict)
    }
    arrivals = [
        {
            "kind": "received",
            "id": card.get("id"),
            "title": card.get("title"),
            "issuer": card.get("issuer_label"),
            "at": card.get("received") or card.get("issued"),
        }
        for card in credentials
        if isinstance(card, dict) and card.get("id") and card.get("id") not in imported
    ]
    newest_first = sorted([*shared, *arrivals], key=_moment_of, reverse=True)
    return newest_first[:RECENT]


def _moment_of(item: dict[str, Any]) -> datetime:
    moment = parse_moment(item.get("at"))
    if moment is None:
        return EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def history(request: web.Request) -> web.Response:
    answer = await local_api(request).get("/api/history")
    return render(
        request,
        "history.html",
        history=answer,
        history_list=listed(answer.body, "history", "entries"),
    )


async def settings(request: web.Request) -> web.Response:
    """What runs now, and a form for the file: settings are read at start (restart to apply)."""
    services = services_of(request)
    api = local_api(request)
    status, saved, backup = await asyncio.gather(
        api.get("/api/status"), api.get("/api/settings"), api.get("/api/backup")
    )
    return render(
        request,
        "settings.html",
        settings=services.settings,
        data_dir=str(services.data_dir.root),
        agent_status=status,
        saved=saved,
        form=saved.body.get("saved", {}) if saved.ok and isinstance(saved.body, dict) else {},
        log_levels=("debug", "info", "warning", "error"),
        **backup_view(request, backup),
    )


def backup_view(request: web.Request, answer: ApiAnswer) -> dict[str, Any]:
    """The backup status for Home and Settings: when in the learner's words, failures too."""
    status = answer.record
    last, failure = status.get("last") or {}, status.get("failure") or {}
    failed = None
    if failure:
        error = ApiError(
            500,
            "backup_failed",
            reason=failure.get("reason"),
            detail=failure.get("detail"),
            params={"folder": failure.get("folder", "")},
        )
        failed = error.body(words_of(request))
    return {
        "backup": answer,
        "backup_status": status,
        "backup_when": moment_words(last.get("at")),
        "backup_failed": failed,
        "backup_failed_when": moment_words(failure.get("at")),
        "backup_min_passphrase": MIN_PASSPHRASE_LENGTH,
    }


def moment_words(value: object) -> dict[str, Any] | None:
    """`today`/`yesterday` and the time, else the moment itself for `date_time`."""
    moment = parse_moment(value)
    if moment is None:
        return None
    local = moment.astimezone()
    today = datetime.now().astimezone().date()
    day = {today: "today", today - timedelta(days=1): "yesterday"}.get(local.date())
    return {"day": day, "time": f"{local:%H:%M}", "moment": moment}


class LanguageChoice(BaseModel):
    language: str


async def choose_language(request: web.Request) -> web.Response:
    """Remember the learner's language in a cookie (a preference, not a secret)."""
    choice = LanguageChoice.model_validate(await request.json())
    if choice.language not in LANGUAGES:
        raise ApiError(422, "unknown_language", detail=f"one of: {', '.join(LANGUAGES)}")
    response = web.json_response({"language": choice.language})
    response.set_cookie(
        LANGUAGE_COOKIE, choice.language, samesite="Strict", path="/", max_age=365 * 86400
    )
    return response

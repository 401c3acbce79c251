"""POST /api/wipe: Delete everything, asked for on the Settings page.

Only a logged-in browser may ask (our Origin and CSRF token, checked by the security
middleware; a script's bearer token is refused), and only after typing the word the page
shows. The answer comes first; then the wallet stops cleanly and `start` deletes it with
`wallet/wipe.py` and shows the welcome again.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from ui.web.errors import ApiError, Words
from ui.web.handover import HANDOVER_KEY
from ui.web.i18n import LANGUAGES, catalogue
from ui.web.security import AUTH_KEY

CONFIRM_KEY = "wipe.confirm_word"


class WipeConfirmation(BaseModel):
    confirm: str = Field(default="", max_length=100)


def register(router: web.UrlDispatcher) -> None:
    router.add_post("/api/wipe", wipe)


def is_confirmed(typed: str) -> bool:
    """The word the page shows, in any of the wallet's languages, in any case."""
    words = {catalogue(language).text(CONFIRM_KEY).casefold() for language in LANGUAGES}
    return typed.strip().casefold() in words


async def wipe(request: web.Request) -> web.Response:
    if request.get(AUTH_KEY) != "session":
        raise ApiError(403, "wipe_from_page_only")
    body = WipeConfirmation.model_validate(await request.json())
    if not is_confirmed(body.confirm):
        fields = {"confirm": Words("field_problem.wipe_confirm")}
        raise ApiError(422, "wipe_not_confirmed", fields=fields)
    handover = request.app.get(HANDOVER_KEY)
    if handover is None:  # e.g. the guided demo: its own command removes its wallet
        raise ApiError(409, "wipe_unavailable")
    response = web.json_response({"deleting": True}, status=202)
    await response.prepare(request)
    await response.write_eof()
    handover.request_wipe()
    return response

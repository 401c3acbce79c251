"""Server-side rendering: one Jinja2 environment, the learner's language, and the CSRF token.

Templates never contain scripts or styles (the CSP forbids inline ones); they get the
catalogue as `t`, and `date`/`number` filters that write values the language's way.
"""

from __future__ import annotations

import base64
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
from aiohttp import web

from protocols.delivery import DeliveryStatus, status_of
from ui.web.errors import words_of
from ui.web.i18n import LANGUAGES, plain_number
from ui.web.pages.wording import Wording
from ui.web.security import CSRF_KEY
from ui.web.services import SERVICES_KEY

DEMO_MODE_KEY = web.AppKey("demo_mode", bool)  # set by ui/web/demo_api.py


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ui.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["b64"] = lambda text: base64.b64encode(str(text).encode()).decode()
    return env


def parse_moment(value: object) -> datetime | None:
    """A datetime from the API's ISO strings (or a datetime already); None when unreadable."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _delivery(request: web.Request) -> DeliveryStatus | None:
    """Delivery as every page shows it, for a logged-in learner only."""
    services = request.config_dict.get(SERVICES_KEY)
    return status_of(services) if services is not None and request.get(CSRF_KEY) else None


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    words = words_of(request)

    def date(value: object) -> str:
        moment = parse_moment(value)
        return words.date(moment) if moment else ""

    def date_time(value: object) -> str:
        moment = parse_moment(value)
        return words.datetime(moment) if moment else ""

    def number(value: object) -> str:
        return words.number(value) if isinstance(value, int | float) else str(value)

    page = (
        environment()
        .get_template(template)
        .render(
            t=words.text,
            date=date,
            date_time=date_time,
            number=number,
            plain_number=lambda value: plain_number(value) if isinstance(value, float) else value,
            iso=lambda value: m.isoformat() if (m := parse_moment(value)) else "",
            lang=words.language,
            languages=LANGUAGES,
            csrf=request.get(CSRF_KEY, ""),
            path=request.path,
            demo_mode=request.config_dict.get(DEMO_MODE_KEY, False),
            delivery=_delivery(request),
            **Wording(words).helpers(),
            **context,
        )
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")

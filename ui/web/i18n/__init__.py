"""The learner's words: one JSON catalogue per language, chosen by cookie or Accept-Language.

Every string the screens show lives in a catalogue, so a translator edits JSON, not
templates; `tests/unit/test_i18n.py` checks that the catalogues agree.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from string import Formatter

LANGUAGES = ("en", "de")
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "lw_lang"


class Catalogue:
    """The strings of one language, plus how it writes dates and numbers."""

    def __init__(self, language: str, strings: dict[str, str]) -> None:
        self.language = language
        self.strings = strings

    def text(self, key: str, **values: object) -> str:
        """The string for `key` with `{name}` placeholders filled; the key itself if missing."""
        template = self.strings.get(key, key)
        if not values:
            return template
        names = {name for _, name, _, _ in Formatter().parse(template) if name}
        return template.format(**{name: values.get(name, "") for name in names})

    def date(self, moment: datetime) -> str:
        """A date as this language writes it, in the computer's own time zone."""
        local = moment.astimezone() if moment.tzinfo else moment
        month = self.strings[f"month.{local.month}"]
        return self.strings["format.date"].format(day=local.day, month=month, year=local.year)

    def datetime(self, moment: datetime) -> str:
        local = moment.astimezone() if moment.tzinfo else moment
        return self.strings["format.datetime"].format(
            date=self.date(local), time=f"{local.hour:02d}:{local.minute:02d}"
        )

    def number(self, value: int) -> str:
        grouped = f"{value:,}"
        return grouped.replace(",", self.strings["format.group_separator"])


@cache
def catalogue(language: str) -> Catalogue:
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    raw = resources.files(__package__).joinpath(f"{language}.json").read_text("utf-8")
    return Catalogue(language, json.loads(raw))


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie wins; else the first supported language in Accept-Language by weight."""
    if cookie in LANGUAGES:
        return cookie
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            weighted.append((-weight, position, primary))
    return min(weighted)[2] if weighted else DEFAULT_LANGUAGE

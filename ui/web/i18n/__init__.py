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
PLURAL_FORMS = ("one", "other")  # what English and German need (see Catalogue.plural_form)


class Catalogue:
    """The strings of one language, plus how it writes dates and numbers."""

    def __init__(self, language: str, strings: dict[str, str]) -> None:
        self.language = language
        self.strings = strings

    def text(self, key: str, **values: object) -> str:
        """The string for `key` with `{name}` placeholders filled; the key itself if missing.

        A count goes in `n`: where the catalogue has `<key>.one` and `<key>.other` instead
        of `<key>`, `n` chooses the form, and a whole number is written the language's way.
        """
        count = values.get("n")
        template = self.strings.get(key)
        if template is None and "n" in values:
            template = self.strings.get(f"{key}.{self.plural_form(count)}")
        if template is None:
            template = key
        if isinstance(count, int) and not isinstance(count, bool):
            values["n"] = self.number(count)
        if not values:
            return template
        names = {name for _, name, _, _ in Formatter().parse(template) if name}
        return template.format(**{name: values.get(name, "") for name in names})

    def plural_form(self, count: object) -> str:
        """English and German: `one` for exactly 1, `other` for every other count.

        The count may come already written (`"1.234"`, as the `number` filter writes it).
        """
        if isinstance(count, str):
            digits = count.replace(self.strings.get("format.group_separator", ","), "")
            count = int(digits) if digits.isdigit() else None
        return "one" if count == 1 else "other"

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

    def number(self, value: float) -> str:
        """Grouped digits, and a fraction only where there is one (60.0 reads as 60)."""
        whole, _, fraction = plain_number(value).partition(".")
        grouped = f"{int(whole):,}".replace(",", self.strings["format.group_separator"])
        return grouped + (self.strings["format.decimal_separator"] + fraction if fraction else "")


def plain_number(value: float) -> str:
    """A number as a form field holds it: `60` for 60.0, `2.5` for 2.5."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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

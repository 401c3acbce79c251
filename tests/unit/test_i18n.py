"""The word catalogues: same keys and placeholders in every language, every used key exists."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from importlib import resources
from string import Formatter

import pytest

from ui.web.i18n import LANGUAGES, PLURAL_FORMS, catalogue, choose_language

TEMPLATES = resources.files("ui.web").joinpath("templates")
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_][a-z0-9_.]*)["']""")
NAV_KEY = re.compile(r"""["'](nav\.[a-z_]+)["']""")
DYNAMIC = re.compile(r"""["']([a-z_][a-z0-9_.]*\.)["']\s*~""")
# Keys built at render time ("status." ~ value): every value a template can produce.
DYNAMIC_KEYS = {
    "status.": ["valid", "expired", "revoked", "suspended", "unknown"],
    "consent.linkable.": ["whole", "fixed_ids"],
    "format.": ["anoncreds", "w3c", "other"],
    "language.": list(LANGUAGES),
    "connection_state.": [
        "active", "completed", "request", "response", "invitation", "abandoned", "error", "other",
    ],
    "settings.agent_state.": ["ready", "not_ready"],
    "settings.log_level.": ["debug", "info", "warning", "error"],
    "delivery.": ["connected", "connecting", "offline"],
    "outcome.": ["approved", "declined", "failed", "verified", "not_verified"],
    "request_status.": ["waiting", "sending", "sent", "failed"],
    "offer.state.": ["accepted", "done", "declined", "failed", "revoked", "other"],
    "consent.predicate.": ["ge", "gt", "le", "lt"],
}  # fmt: skip
FORMAT_KEYS = {
    "format.date",
    "format.datetime",
    "format.group_separator",
    "format.decimal_separator",
}
# Sentences the Python code chooses by error code (checked in test_plain_words.py).
CODE_KEY_PREFIXES = ("error.", "settings_problem.", "export_file.")  # asked for by code
CODE_KEY_PREFIXES += ("setup_note.", "field_problem.")  # the welcome's and wipe's, by code
# The consent engine's sentences (test_engine_words.py) and the labels, kinds and
# predicates that ui/web/pages/wording.py says for the templates.
CODE_KEY_PREFIXES += ("consent.engine.", "field.", "history.predicate.", "kind.")
CODE_KEY_PREFIXES += ("credential.sharing.",)


def _raw(language: str) -> dict[str, str]:
    text = resources.files("ui.web.i18n").joinpath(f"{language}.json").read_text("utf-8")
    return json.loads(text)


def _template_texts() -> dict[str, str]:
    return {
        entry.name: entry.read_text("utf-8")
        for entry in TEMPLATES.iterdir()
        if entry.name.endswith(".html")
    }


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def _plural_keys(strings: dict[str, str]) -> set[str]:
    """Keys a template asks for by their base (`credentials.count`) with a form per count:
    any base with one of the forms (`format.other` alone is an ordinary key)."""
    bases = {key.rsplit(".", 1)[0] for key in strings if key.endswith(".one")}
    return {base for base in bases if base not in strings}


def test_every_language_has_the_same_keys_and_placeholders() -> None:
    english = _raw("en")
    for language in LANGUAGES:
        other = _raw(language)
        assert set(other) == set(english), f"{language}: {set(other) ^ set(english)}"
        for key, text in english.items():
            assert _placeholders(other[key]) == _placeholders(text), f"{language}: {key}"
            assert other[key].strip(), f"{language}: {key} is empty"


def test_every_key_a_template_uses_exists() -> None:
    used: set[str] = set()
    for name, text in _template_texts().items():
        literal = {k for k in LITERAL_KEY.findall(text) if not k.endswith(".")}
        used |= literal | set(NAV_KEY.findall(text))
        for prefix in DYNAMIC.findall(text):
            assert prefix in DYNAMIC_KEYS, f"{name}: dynamic key {prefix!r} is not listed"
            used |= {prefix + value for value in DYNAMIC_KEYS[prefix]}
    assert len(used) > 100  # the scan found the templates' keys
    for language in LANGUAGES:
        known = set(_raw(language)) | _plural_keys(_raw(language))
        missing = used - known
        assert not missing, f"{language} lacks {sorted(missing)}"


def test_no_key_is_unused() -> None:
    text = "\n".join(_template_texts().values())
    dynamic = {p + v for p, values in DYNAMIC_KEYS.items() for v in values}
    plural = _plural_keys(_raw("en"))

    def asked_for(key: str) -> str:
        base = key.rsplit(".", 1)[0]
        return base if base in plural else key

    unused = [
        key
        for key in _raw("en")
        if key not in FORMAT_KEYS
        and not key.startswith(("month.", *CODE_KEY_PREFIXES))
        and key not in dynamic
        and f'"{asked_for(key)}"' not in text
        and f"'{asked_for(key)}'" not in text
    ]
    assert not unused


def test_every_plural_has_each_form_in_every_language() -> None:
    english = _raw("en")
    plural = _plural_keys(english)
    assert {"credentials.count", "settings.seconds", "consent.too_many"} <= plural
    for language in LANGUAGES:
        strings = _raw(language)
        assert _plural_keys(strings) == plural, language
        for base in plural:
            for form in PLURAL_FORMS:
                assert strings.get(f"{base}.{form}", "").strip(), f"{language}: {base}.{form}"
                assert "n" in _placeholders(strings[f"{base}.{form}"]), f"{language}: {base}"


@pytest.mark.parametrize(
    ("language", "count", "shown"),
    [
        ("en", 1, "1 credential"),
        ("en", 2, "2 credentials"),
        ("en", 0, "0 credentials"),
        ("en", 1234, "1,234 credentials"),
        ("de", 1, "1 Nachweis"),
        ("de", 2, "2 Nachweise"),
        ("de", 1234, "1.234 Nachweise"),
        ("de", "1", "1 Nachweis"),  # already written by the `number` filter
        ("de", "1.001", "1.001 Nachweise"),
    ],
)
def test_a_count_chooses_the_plural_form(language: str, count: int | str, shown: str) -> None:
    assert catalogue(language).text("credentials.count", n=count) == shown


def test_one_and_two_render_right_for_every_plural() -> None:
    for language in LANGUAGES:
        words = catalogue(language)
        for base in _plural_keys(_raw(language)):
            one, two = words.text(base, n=1), words.text(base, n=2)
            assert one == words.strings[f"{base}.one"].replace("{n}", "1"), (language, base)
            assert two == words.strings[f"{base}.other"].replace("{n}", "2"), (language, base)
    assert catalogue("en").text("settings.seconds", n=1) == "1 second"
    assert catalogue("de").text("consent.too_many", n=2).startswith("Gefragt wird nach 2 Angaben")


@pytest.mark.parametrize(
    ("cookie", "header", "chosen"),
    [
        ("de", "en-GB,en;q=0.9", "de"),
        (None, "de-DE,de;q=0.9,en;q=0.8", "de"),
        (None, "fr-FR,en;q=0.5,de;q=0.7", "de"),
        (None, "fr-FR", "en"),
        (None, None, "en"),
        ("xx", "de;q=0", "en"),
        (None, "de;q=abc, en", "en"),
    ],
)
def test_language_from_cookie_then_accept_language(cookie, header, chosen) -> None:
    assert choose_language(cookie, header) == chosen


def test_dates_and_numbers_are_written_the_language_s_way() -> None:
    moment = datetime(2025, 3, 7, 12, 0, tzinfo=UTC)
    local = moment.astimezone()
    assert catalogue("en").date(moment) == f"{local.day} March 2025"
    assert catalogue("de").date(moment) == f"{local.day}. März 2025"
    assert catalogue("en").number(1234567) == "1,234,567"
    assert catalogue("de").number(1234567) == "1.234.567"
    assert catalogue("de").text("settings.seconds", n="60") == "60 Sekunden"
    assert catalogue("en").text("no.such.key") == "no.such.key"

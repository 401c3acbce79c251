"""Every message a learner can see is a sentence in their words and language (issue #14).

Two walks: over the catalogues (every error sentence, and every error code the code can
raise has one), and over the error pages and answers of the running app in both languages.
Code words fail them: dotted or snake_case names, class names, API paths, pydantic's words.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import aiohttp
import pytest

from protocols.connections.errors import STATUS as INVITATION_CODES
from protocols.connections.errors import InvitationError
from protocols.connections.invitation import parse_invitation
from protocols.messages.reply import STATUS as MESSAGE_CODES
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving
from ui.web.errors import ApiError
from ui.web.i18n import LANGUAGE_COOKIE, LANGUAGES, catalogue
from ui.web.requests_api import ERROR_CODE as ANSWER_CODES

ROOT = Path(__file__).resolve().parents[2]
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
DOTTED = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\.(?!json\b|toml\b)[A-Za-z_][A-Za-z0-9_]*\b")
CLASS_NAME = re.compile(r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b|\b\w+(?:Error|Exception)\b")
API_PATH = re.compile(r"/api/")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
PYDANTIC = re.compile(r"Field required|Input should|Value error|validation error|String should")
# Keys whose texts are messages about something that went wrong (or how to mend it).
MESSAGE_PREFIXES = ("error.", "error_page.", "settings_problem.", "problem.", "login.")
RAISED_CODE = re.compile(r"""ApiError\(\s*\d{3},\s*f?["']([a-z_{}]+)["']""")
DOMAIN_CODE = re.compile(r"""^\s+code = ["']([a-z_]+)["']""", re.MULTILINE)
# Errors only a script can meet, where the sentence says all there is to say.
NOTHING_TO_DO = {"token_required", "not_demo"}


def code_words(text: str) -> list[str]:
    """What in `text` reads like code, not like a sentence ({placeholders} aside)."""
    text = PLACEHOLDER.sub("", text)
    found: list[str] = []
    for pattern in (SNAKE_CASE, DOTTED, CLASS_NAME, API_PATH, PYDANTIC):
        found += pattern.findall(text)
    return found


def _raw(language: str) -> dict[str, str]:
    text = resources.files("ui.web.i18n").joinpath(f"{language}.json").read_text("utf-8")
    return json.loads(text)


def _sources() -> str:
    paths = [*ROOT.glob("ui/**/*.py"), *ROOT.glob("protocols/**/*.py")]
    return "\n".join(path.read_text("utf-8") for path in paths)


def _raised_codes() -> set[str]:
    """Every error code the local API can answer with, read from the code itself."""
    source = _sources()
    codes = set(RAISED_CODE.findall(source)) | set(DOMAIN_CODE.findall(source))
    codes = {code for code in codes if "{" not in code}
    codes |= {"invalid_limit", "invalid_offset"}  # history's f"invalid_{name}"
    codes |= set(INVITATION_CODES) | set(ANSWER_CODES.values()) | set(MESSAGE_CODES)
    codes |= {"not_found", "method_not_allowed", "request_entity_too_large"}  # aiohttp's own
    return codes


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_in_the_catalogues_speaks_in_code_words(language: str) -> None:
    problems = [
        f"{key}: {words}"
        for key, text in _raw(language).items()
        if key.startswith(MESSAGE_PREFIXES) and (words := code_words(text))
    ]
    everywhere = [
        f"{key}: {text}"
        for key, text in _raw(language).items()
        if API_PATH.search(text)
        or PYDANTIC.search(text)
        or SNAKE_CASE.search(PLACEHOLDER.sub("", text))
    ]
    assert not problems + everywhere


def test_the_code_word_check_catches_what_a_learner_once_saw() -> None:
    for seen in (
        "the invitation is incomplete: @type: Value error, 'foo' is not an out-of-band "
        "invitation type; @id: Field required",
        "it could not be reached (ClientConnectorError)",
        "list the open requests at /api/requests",
        "exchange_timeout: Input should be greater than 0",
    ):
        assert code_words(seen), seen
    assert not code_words("Correct or remove the file config.toml, then try again.")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_error_code_has_a_sentence_and_a_hint_in_every_language(language: str) -> None:
    codes = _raised_codes()
    assert {"malformed_invitation", "invalid_settings", "request_not_found"} <= codes
    words = catalogue(language).strings
    missing = sorted(code for code in codes if f"error.{code}" not in words)
    assert not missing, f"{language} has no sentence for {missing}"
    no_hint = sorted(c for c in codes - NOTHING_TO_DO if f"error.{c}.hint" not in words)
    assert not no_hint, f"{language} says nothing of what to do for {no_hint}"


def test_every_error_sentence_belongs_to_a_code_the_wallet_raises() -> None:
    codes = _raised_codes() | {"unknown"}
    stale = [
        key for key in _raw("en") if key.startswith("error.") and key.split(".")[1] not in codes
    ]
    assert not stale


@pytest.mark.parametrize(
    ("pasted", "expected_key"),
    [
        ("", "error.malformed_invitation.empty"),
        ("hello", "error.malformed_invitation.not_invitation"),
        ('{"@type": "foo"}', "error.malformed_invitation.incomplete"),
        ("{not json", "error.malformed_invitation.damaged"),
        ("https://x.example/?oob=%%%", "error.malformed_invitation.damaged"),
        ("x" * 70_000, "error.invitation_too_large"),
    ],
)
def test_bad_invitations_get_their_own_sentence(pasted: str, expected_key: str) -> None:
    with pytest.raises(InvitationError) as caught:
        parse_invitation(pasted)
    error = caught.value
    api_error = ApiError(
        400, error.code, reason=error.reason, detail=error.detail, params=error.params
    )
    assert api_error.message_key() == expected_key
    for language in LANGUAGES:
        body = api_error.body(catalogue(language))
        assert body.message == catalogue(language).text(expected_key, **error.params)
        assert not code_words(body.message) and body.hint and not code_words(body.hint)
        assert body.detail  # what exactly was wrong stays available, under technical details


class _VisibleText(HTMLParser):
    """The text a learner reads in <main>, without what is folded under technical details."""

    def __init__(self) -> None:
        super().__init__()
        self.depth_main = 0
        self.depth_technical = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth_main += 1
        if tag == "details" and ("class", "technical") in attrs:
            self.depth_technical += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth_main -= 1
        if tag == "details" and self.depth_technical:
            self.depth_technical -= 1

    def handle_data(self, data: str) -> None:
        if self.depth_main and not self.depth_technical:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
async def site(tmp_path: Path):
    admin_api = FakeAdminApi()
    await admin_api.start()
    services = await make_services(admin_api.url, tmp_path, with_store=True)
    async with serving(services) as (server, ui):
        yield f"http://127.0.0.1:{server.port}", ui
    await close_services(services)
    await admin_api.close()


ERROR_SCREENS = {
    "/no/such/page": 404,
    "/requests/answered-or-never-there": 404,
    "/offers/nope": 404,
    "/credentials/anoncreds:nope": 404,
    "/credentials/not-an-id": 404,
}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_error_page_is_plain_words_with_a_way_back(site, language: str) -> None:
    base, ui = site
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/login?code={ui.login_code}") as login:
            assert login.status == 200
        jar.update_cookies({LANGUAGE_COOKIE: language})
        for path, status in ERROR_SCREENS.items():
            async with session.get(base + path) as response:
                page = await response.text()
                assert (response.status, response.content_type) == (status, "text/html"), path
            text = visible_text(page)
            assert text, path
            assert not code_words(text), f"{path} ({language}): {code_words(text)} in {text!r}"
            assert 'href="/"' in page.split("<main", 1)[1], f"{path}: no way back"
        unknown = visible_text(await (await session.get(f"{base}/no/such/page")).text())
        assert catalogue(language).text("error.not_found") in unknown


async def test_the_json_api_keeps_json_with_a_code_beside_the_sentence(site) -> None:
    base, _ = site
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept-Language": "de"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{base}/api/no/such/thing") as response:
            body = await response.json()
            assert response.status == 404 and response.content_type == "application/json"
        assert body["error"]["code"] == "not_found"
        assert body["error"]["message"] == catalogue("de").text("error.not_found")
        async with session.post(f"{base}/api/connections", json={"invitation": "hello"}) as r:
            body = await r.json()
        assert (r.status, body["error"]["code"]) == (400, "malformed_invitation")
        assert body["error"]["message"] == "Dieser Text ist keine Einladung."
        assert not code_words(body["error"]["message"] + " " + body["error"]["hint"])

"""PUT /api/settings over the real app and a real data dir: the file it writes loads again."""

from __future__ import annotations

import base64
import json
import stat
import tomllib
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from config.settings import load_settings
from config.settings_file import toml_text
from tests.unit.fake_admin import FakeAdminApi
from tests.unit.wallet_site import TOKEN, close_services, make_services, serving

AUTH = {"Authorization": f"Bearer {TOKEN}"}
MEDIATOR_INVITATION = "https://mediator.example/?oob=" + base64.urlsafe_b64encode(
    json.dumps(
        {
            "@type": "https://didcomm.org/out-of-band/1.1/invitation",
            "@id": "a6f3b9e0-mediator",
            "label": "Mediator",
            "handshake_protocols": ["https://didcomm.org/didexchange/1.1"],
            "services": [
                {
                    "id": "#inline",
                    "type": "did-communication",
                    "recipientKeys": ["did:key:z6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V"],
                    "serviceEndpoint": "https://mediator.example",
                }
            ],
        }
    ).encode()
).decode().rstrip("=")


@pytest.fixture
async def site(tmp_path: Path):
    admin_api = FakeAdminApi()
    await admin_api.start()
    config_file = tmp_path / "config.toml"
    config_file.write_text('ui_port = 8123\nlabel = "Ada"\n')
    services = await make_services(admin_api.url, tmp_path, with_store=False, label="Ada")
    async with serving(services) as (server, ui):
        yield f"http://127.0.0.1:{server.port}", ui, config_file
    await close_services(services)
    await admin_api.close()


async def _call(base: str, method: str, body: Any, status: int, language: str = "en") -> Any:
    async with aiohttp.ClientSession(headers={**AUTH, "Accept-Language": language}) as session:
        async with session.request(method, f"{base}/api/settings", json=body) as response:
            assert response.status == status, await response.text()
            return await response.json()


async def test_put_writes_a_private_config_that_loads_back(site, monkeypatch) -> None:
    base, _, config_file = site
    for name in ("LABEL", "LOG_LEVEL", "EXCHANGE_TIMEOUT", "TRUST_LIST"):
        monkeypatch.delenv(f"LEARNER_WALLET_{name}", raising=False)
    trust_file = config_file.parent / "trust.json"
    trust_file.write_text('[{"did": "did:web:school.example", "name": "School"}]')
    change = {
        "label": 'Ada "the learner" Lovelace',
        "mediator_invitation": MEDIATOR_INVITATION,
        "delivery": "pickup",
        "auto_accept_issuers": ["did:key:z6MkA", "did:web:school.example"],
        "trust_list": str(trust_file),
        "exchange_timeout": 90.5,
        "log_level": "debug",
    }
    answer = await _call(base, "PUT", change, 200)
    assert answer["saved"] is True and answer["message"] == "saved; restart the wallet to apply"
    assert answer["restart_needed"] == list(change)  # every one differs from what runs
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    assert not [p for p in config_file.parent.iterdir() if p.name.endswith(".tmp")]
    loaded = load_settings(config_file)
    assert loaded.model_dump(mode="json", include=set(change)) == change
    assert loaded.ui_port == 8123  # settings the form does not edit are kept
    shown = await _call(base, "GET", None, 200)
    assert {name: shown["saved"][name] for name in change} == change
    assert shown["running"]["label"] == "Ada"

    cleared = {"mediator_invitation": None, "delivery": None, "trust_list": None}
    answer = await _call(base, "PUT", cleared, 200)
    assert answer["settings"]["mediator_invitation"] is None
    loaded = load_settings(config_file)
    assert loaded.mediator_invitation is None and loaded.trust_list is None
    assert loaded.delivery is None and loaded.delivery_mode == "direct"
    assert (
        loaded.label == change["label"]
        and loaded.auto_accept_issuers == change["auto_accept_issuers"]
    )


@pytest.mark.parametrize(
    ("change", "field", "sentence"),
    [
        ({"exchange_timeout": 0}, "exchange_timeout", "more than 0 and at most 3600 seconds"),
        ({"exchange_timeout": "soon"}, "exchange_timeout", "as a number of seconds"),
        ({"log_level": "loud"}, "log_level", "Choose one of the listed values."),
        ({"label": ""}, "label", "Enter the name others see for you."),
        ({"label": "x" * 101}, "label", "at most 100 characters"),
        ({"auto_accept_issuers": "did:key:z6MkA"}, "auto_accept_issuers", "one entry per line"),
        ({"ui_port": 8080}, "ui_port", "cannot be changed on this page"),
        ({"label": "ok", "endpoint": "http://x"}, "endpoint", "cannot be changed on this page"),
        ({"label": "bad\ud800"}, "label", "This value cannot be used."),
        ({"trust_list": "/no/such/trust.json"}, "trust_list", "There is no file at this path."),
        ({"trust_list": "trust.json"}, "trust_list", "full path of the file"),
        ({"mediator_invitation": "hello"}, "mediator_invitation", "not a mediator invitation"),
        ({"mediator_invitation": "https://m.example/x"}, "mediator_invitation", "short link"),
        ({"delivery": "pickup"}, "delivery", "paste your mediator’s invitation above"),
        ({"delivery": "pigeon"}, "delivery", "Choose one of the listed values."),
    ],
)
async def test_invalid_values_are_refused_per_field_and_the_file_is_untouched(
    site, change: dict[str, Any], field: str, sentence: str
) -> None:
    base, _, config_file = site
    before = (config_file.read_bytes(), config_file.stat().st_mtime_ns)
    error = (await _call(base, "PUT", change, 422))["error"]
    assert error["code"] == "invalid_settings"
    assert error["message"] == "Some settings could not be saved. Nothing was changed."
    assert sentence in error["fields"][field]
    assert error["detail"]  # pydantic's or the check's own words, for experts only
    assert (config_file.read_bytes(), config_file.stat().st_mtime_ns) == before


async def test_a_file_that_is_no_trust_list_is_refused_in_the_learner_s_language(
    site, tmp_path: Path
) -> None:
    base, _, config_file = site
    not_a_list = tmp_path / "notes.json"
    not_a_list.write_text('{"hello": "world"}')
    change = {"trust_list": str(not_a_list), "exchange_timeout": -1}
    error = (await _call(base, "PUT", change, 422, language="de"))["error"]
    assert error["message"].startswith("Einige Einstellungen konnten nicht gespeichert werden.")
    assert error["fields"]["trust_list"].startswith("Diese Datei ist keine Vertrauensliste")
    assert error["fields"]["exchange_timeout"].startswith("Geben Sie eine Wartezeit")
    assert "trust_list" not in load_settings(config_file).model_fields_set


@pytest.mark.parametrize("body", ["not json", [], {}])
async def test_a_body_that_is_no_settings_object_is_a_400(site, body: Any) -> None:
    base, _, config_file = site
    before = config_file.read_bytes()
    async with aiohttp.ClientSession(headers=AUTH) as session:
        data = body if isinstance(body, str) else None
        kwargs: dict[str, Any] = {"data": data} if data else {"json": body}
        async with session.put(f"{base}/api/settings", **kwargs) as response:
            assert response.status == 400
            assert (await response.json())["error"]["code"] == "bad_json"
    assert config_file.read_bytes() == before


async def test_a_broken_config_file_is_a_409_and_stays_as_it_was(site) -> None:
    base, _, config_file = site
    config_file.write_text("label = \n")
    error = (await _call(base, "PUT", {"label": "Bea"}, 409))["error"]
    assert error["code"] == "config_unreadable" and error["hint"]
    assert config_file.read_text() == "label = \n"


async def test_the_settings_page_has_the_form_filled_from_the_file(site) -> None:
    base, ui, _ = site
    await _call(base, "PUT", {"label": "Grace", "log_level": "warning"}, 200)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/login?code={ui.login_code}") as login:
            assert login.status == 200
        async with session.get(f"{base}/settings") as response:
            page = await response.text()
    assert 'id="settings-form" data-api-url="/api/settings"' in page
    assert 'name="label" type="text" maxlength="100" required value="Grace"' in page
    assert '<option value="warning" selected>' in page
    assert 'role="status" aria-live="polite"' in page
    assert "Start your wallet again to use the new settings for: {names}." in page


async def test_numbers_show_as_the_learner_typed_them(site) -> None:
    base, ui, _ = site
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/login?code={ui.login_code}") as login:
            assert login.status == 200
        for typed, shown in ((90, "90"), (2.5, "2.5")):
            await _call(base, "PUT", {"exchange_timeout": typed}, 200)
            async with session.get(f"{base}/settings") as response:
                page = await response.text()
            assert 'name="exchange_timeout" type="number"' in page
            assert f'step="any" value="{shown}"' in page
        async with session.get(f"{base}/settings") as response:
            assert "60 seconds" in await response.text()  # what runs: 60.0, written as 60


async def test_delivery_not_chosen_follows_the_mediator(site, monkeypatch) -> None:
    """Saved without a choice (null), delivery is through the mediator when there is one."""
    base, _, config_file = site
    monkeypatch.delenv("LEARNER_WALLET_DELIVERY", raising=False)
    change = {"mediator_invitation": MEDIATOR_INVITATION, "delivery": None}
    answer = await _call(base, "PUT", change, 200)
    # What runs receives directly; from the next start on it is through the mediator.
    assert answer["restart_needed"] == ["mediator_invitation", "delivery"]
    assert answer["settings"]["delivery"] is None
    assert "delivery" not in tomllib.loads(config_file.read_text())
    assert load_settings(config_file).delivery_mode == "pickup"
    direct = await _call(base, "PUT", {"delivery": "direct"}, 200)
    assert direct["restart_needed"] == ["mediator_invitation"]  # direct runs now as well
    assert load_settings(config_file).delivery_mode == "direct"


async def test_removing_the_mediator_while_receiving_through_it_is_refused_in_german(
    site,
) -> None:
    base, _, config_file = site
    await _call(
        base, "PUT", {"mediator_invitation": MEDIATOR_INVITATION, "delivery": "pickup"}, 200
    )
    before = config_file.read_bytes()
    error = (await _call(base, "PUT", {"mediator_invitation": None}, 422, language="de"))["error"]
    assert error["fields"]["delivery"].startswith("Um über einen Mediator zu empfangen")
    assert "mediator_invitation" in error["detail"] or "delivery" in error["detail"]
    assert config_file.read_bytes() == before


async def test_the_settings_page_offers_both_deliveries_in_plain_words(site) -> None:
    base, ui, _ = site
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/login?code={ui.login_code}") as login:
            assert login.status == 200
        async with session.get(f"{base}/settings") as response:
            page = await response.text()
        assert 'name="delivery" data-automatic="true"' in page  # not chosen: follows the default
        assert '<option value="direct" selected>Receive directly on this computer' in page
        assert "Receive through my mediator (works behind home routers)" in page
        change = {"mediator_invitation": MEDIATOR_INVITATION, "delivery": "direct"}
        await _call(base, "PUT", change, 200)
        async with session.get(f"{base}/settings") as response:
            page = await response.text()
        assert 'name="delivery" data-automatic="false"' in page
        assert '<option value="direct" selected>' in page
        await _call(base, "PUT", {"delivery": None}, 200)
        async with session.get(f"{base}/settings") as response:
            page = await response.text()
        assert '<option value="pickup" selected>' in page  # the default with a mediator


def test_toml_text_escapes_strings_and_refuses_what_toml_cannot_hold() -> None:
    values = {"label": 'a"b\\c\nd\x7fé', "auto_accept_issuers": ["x"], "exchange_timeout": 2.5}
    assert tomllib.loads(toml_text(values)) == values
    with pytest.raises(ValueError, match="broken character"):
        toml_text({"label": "bad\ud800"})
    with pytest.raises(ValueError, match="finite"):
        toml_text({"exchange_timeout": float("inf")})

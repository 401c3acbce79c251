from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import SettingsError, load_settings


def test_defaults_without_a_config_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "config.toml")
    assert settings.ui_port == 0
    assert settings.auto_accept_issuers == []
    assert settings.mediator_invitation is None


def test_toml_is_read_and_environment_wins(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('label = "Ada"\nui_port = 8123\nlog_level = "debug"\n')
    monkeypatch.setenv("LEARNER_WALLET_UI_PORT", "8124")
    settings = load_settings(config)
    assert (settings.label, settings.ui_port, settings.log_level) == ("Ada", 8124, "debug")


@pytest.mark.parametrize(
    ("toml", "named", "allowed"),
    [
        ("ui_port = 70000", "ui_port / LEARNER_WALLET_UI_PORT", "less than or equal to 65535"),
        ('log_level = "loud"', "log_level", "'debug', 'info', 'warning' or 'error'"),
        ('endpoint = "ftp://x"', "endpoint", "http:// or https://"),
        ("colour = 1", "colour: unknown setting", "known settings are"),
    ],
)
def test_invalid_value_names_the_setting_and_what_is_allowed(
    tmp_path: Path, toml: str, named: str, allowed: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(toml + "\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(config)
    assert named in str(caught.value)
    assert allowed in str(caught.value)


def test_invalid_environment_value_is_named(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LEARNER_WALLET_RESTART_LIMIT", "many")
    with pytest.raises(SettingsError, match="LEARNER_WALLET_RESTART_LIMIT"):
        load_settings(tmp_path / "config.toml")


def test_malformed_toml_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("ui_port = \n")
    with pytest.raises(SettingsError, match=r"cannot read .*config.toml"):
        load_settings(config)


def test_wallet_variables_that_are_not_settings_are_ignored(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LEARNER_WALLET_HOME", str(tmp_path))
    monkeypatch.setenv("LEARNER_WALLET_PASSPHRASE", "not a setting")
    assert load_settings(tmp_path / "config.toml").label == "Learner"


def test_delivery_is_pickup_with_a_mediator_and_direct_without() -> None:
    from config.settings import WalletSettings

    mediator = "https://mediator.example/?oob=e30"
    assert WalletSettings().delivery_mode == "direct"
    assert WalletSettings(mediator_invitation=mediator).delivery_mode == "pickup"
    chosen = WalletSettings(mediator_invitation=mediator, delivery="direct")
    assert chosen.delivery_mode == "direct"
    with pytest.raises(ValueError, match="pickup needs a mediator_invitation"):
        WalletSettings(delivery="pickup")


def test_pickup_without_a_mediator_is_an_error_of_the_delivery_setting(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('delivery = "pickup"\n')
    with pytest.raises(SettingsError, match=r"delivery / LEARNER_WALLET_DELIVERY: .*mediator"):
        load_settings(config)

"""The one settings object: `<data dir>/config.toml`, overridden by LEARNER_WALLET_* variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

LogLevel = Literal["debug", "info", "warning", "error"]
Delivery = Literal["pickup", "direct"]


class SettingsError(Exception):
    """A setting has a value we cannot run with; the message names it and what is allowed."""


class WalletSettings(BaseSettings):
    """What a learner (or a test) may configure; defaults suit one learner on one computer."""

    model_config = SettingsConfigDict(
        env_prefix="LEARNER_WALLET_",
        extra="forbid",
        validate_default=True,
    )

    label: str = Field(
        default="Learner",
        min_length=1,
        max_length=100,
        description="The name issuers and verifiers see for this wallet.",
    )
    ui_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="Port of the local UI on 127.0.0.1; 0 picks a free one.",
    )
    inbound_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="Port on which ACA-Py receives DIDComm messages; 0 picks a free one.",
    )
    endpoint: str | None = Field(
        default=None,
        description="Public DIDComm endpoint to advertise; default http://127.0.0.1:<inbound>.",
    )
    log_level: LogLevel = Field(default="info", description="Log detail in <data dir>/logs.")
    mediator_invitation: str | None = Field(
        default=None, description="Out-of-band invitation of a mediator to receive through."
    )
    auto_accept_issuers: list[str] = Field(
        default_factory=list,
        description="Issuer DIDs whose credential offers are accepted without asking.",
    )
    trust_list: Path | None = Field(
        default=None, description="JSON file of trusted issuers and verifiers."
    )
    genesis_file: Path | None = Field(
        default=None, description="Indy genesis file, for issuers on a public Indy ledger."
    )
    genesis_url: str | None = Field(
        default=None, description="Indy genesis URL, for issuers on a public Indy ledger."
    )
    restart_limit: int = Field(
        default=5,
        ge=0,
        le=100,
        description="How often ACA-Py is restarted after crashes before the wallet gives up.",
    )
    exchange_timeout: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Seconds an exchange may wait for its peer before it is shown as failed.",
    )
    invitation_lifetime: int = Field(
        default=86400,
        gt=0,
        description=(
            "Seconds the learner's own invitation stays valid; after that it is deleted and "
            "an answer to it is refused."
        ),
    )
    delivery: Delivery | None = Field(
        default=None,
        description=(
            "How messages reach the wallet: pickup (over one WebSocket the wallet opens to its "
            "mediator; the default with a mediator) or direct (peers or the mediator connect "
            "to this computer; the default without one)."
        ),
    )
    backup_folder: Path | None = Field(
        default=None,
        description=(
            "Folder for automatic backups (absolute path of an existing folder, for example "
            "one a cloud client syncs); none: no automatic backups."
        ),
    )
    backup_keep: int = Field(
        default=10, ge=1, le=100, description="How many automatic backups to keep (1 to 100)."
    )
    backup_min_interval: float = Field(
        default=300.0,
        ge=0,
        le=86400,
        description="Seconds between two automatic backups at most; changes in between wait.",
    )

    @property
    def delivery_mode(self) -> Delivery:
        """The delivery in force: as set, else pickup with a mediator and direct without."""
        if self.delivery is not None:
            return self.delivery
        return "pickup" if self.mediator_invitation else "direct"

    @field_validator("delivery")
    @classmethod
    def _pickup_needs_a_mediator(
        cls, value: Delivery | None, info: ValidationInfo
    ) -> Delivery | None:
        """An error of `delivery` itself, so the Settings screen shows it next to that field."""
        if value == "pickup" and not info.data.get("mediator_invitation"):
            raise PydanticCustomError(
                "pickup_needs_mediator", "delivery = pickup needs a mediator_invitation"
            )
        return value

    @field_validator("endpoint", "genesis_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if settings_cls.model_config.get("toml_file") is not None:
            sources.append(TomlConfigSettingsSource(settings_cls))
        return tuple(sources)


def load_settings(config_file: Path, **overrides: object) -> WalletSettings:
    """Read settings, turning pydantic's errors into one message per bad setting."""
    config = SettingsConfigDict(**{**WalletSettings.model_config, "toml_file": config_file})
    settings_cls = type("FileWalletSettings", (WalletSettings,), {"model_config": config})
    try:
        return settings_cls(**overrides)
    except ValidationError as error:
        raise SettingsError(_describe(error, config_file)) from None
    except (OSError, ValueError) as error:  # unreadable or malformed TOML
        raise SettingsError(f"cannot read {config_file}: {error}") from None


def _describe(error: ValidationError, config_file: Path) -> str:
    lines = [f"invalid settings (from {config_file} or LEARNER_WALLET_* variables):"]
    for problem in error.errors():
        name = ".".join(str(part) for part in problem["loc"]) or "settings"
        env_name = "LEARNER_WALLET_" + name.upper()
        field = WalletSettings.model_fields.get(name)
        allowed = f" ({field.description})" if field and field.description else ""
        if problem["type"] == "extra_forbidden":
            known = ", ".join(sorted(WalletSettings.model_fields))
            lines.append(f"  {name}: unknown setting; known settings are: {known}")
            continue
        lines.append(f"  {name} / {env_name}: {problem['msg']}{allowed}")
    return "\n".join(lines)

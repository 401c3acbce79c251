"""The learner's trust list file: which organisations (by DID) they rely on, and as what.

The file is JSON, a list of ``{"did", "name", "country"?, "register"?, "roles"?,
"invitation"?, "binds_holder"?}``. It is
read once at start-up; a broken file stops the start with a message naming the file and
the entry at fault, because silently trusting nobody (or the wrong party) is worse.
The consent engine's own ``TrustList`` is built from these entries in ``protocols``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from config.settings import SettingsError

MAX_FILE_BYTES = 5 * 1024 * 1024
Role = Literal["issuer", "verifier"]


class TrustListError(SettingsError):
    """The trust list file cannot be used; the message names the file and the problem."""


class TrustedOrganisation(BaseModel):
    """One organisation on the list; without roles it is trusted as issuer and verifier."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    did: str = Field(min_length=4, max_length=500)
    name: str = Field(min_length=1, max_length=200)
    country: str | None = Field(default=None, max_length=100)
    register_: str | None = Field(default=None, max_length=300, alias="register")
    roles: tuple[Role, ...] = ()
    # The organisation's invitation link (checked as an invitation in protocols, which this
    # layer cannot import: see protocols/presentation/trust.py).
    invitation: str | None = Field(default=None, min_length=1, max_length=64 * 1024)
    # The issuer accepts a request that binds a W3C credential to the learner's DID although
    # its offer left the subject out (protocols/issuance/binding.py says why that matters).
    binds_holder: bool = False

    @field_validator("did")
    @classmethod
    def _looks_like_a_did(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith("did:") and not value.isalnum():
            raise ValueError("must be a DID such as did:web:example.org")
        return value

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


def load_trust_file(path: Path | None) -> list[TrustedOrganisation]:
    """Read and check the file; no file configured means an empty list."""
    if path is None:
        return []
    where = f"trust list {path}"
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TrustListError(f"{where}: the file is larger than {MAX_FILE_BYTES} bytes")
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrustListError(
            f"{where}: no such file (set trust_list in config.toml or "
            "LEARNER_WALLET_TRUST_LIST to an existing JSON file, or remove the setting)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise TrustListError(f"{where}: cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise TrustListError(
            f"{where}: not valid JSON at line {error.lineno}, column {error.colno} ({error.msg})"
        ) from None
    if not isinstance(raw, list):
        raise TrustListError(
            f"{where}: expected a JSON list of entries like "
            '{"did": "did:web:uni.example", "name": "University of Example"}'
        )
    return _entries(raw, where)


def _entries(raw: list[object], where: str) -> list[TrustedOrganisation]:
    entries: list[TrustedOrganisation] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw, start=1):
        try:
            entry = TrustedOrganisation.model_validate(item)
        except ValidationError as error:
            raise TrustListError(f"{where}: entry {index}: {_problem(error)}") from None
        if entry.did in seen:
            raise TrustListError(
                f"{where}: entry {index}: the DID {entry.did} is already listed in entry "
                f"{seen[entry.did]}"
            )
        seen[entry.did] = index
        entries.append(entry)
    return entries


def _problem(error: ValidationError) -> str:
    problems = []
    for detail in error.errors():
        name = ".".join(str(part) for part in detail["loc"]) or "entry"
        if detail["type"] == "extra_forbidden":
            problems.append(
                f"unknown key '{name}' (known: did, name, country, register, roles, "
                "invitation, binds_holder)"
            )
        elif detail["type"] == "model_type":
            problems.append("must be an object with at least 'did' and 'name'")
        else:
            problems.append(f"{name}: {detail['msg']}")
    return "; ".join(problems)

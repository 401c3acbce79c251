"""The demo's own trust list: the university, under every DID it issues with, and no employer.

A learner's trust list is theirs (setting `trust_list`); the demo must not touch it, yet
the demo should show what trust looks like. So each demo run writes a list of its own
next to its peers and its wallet starts with that one: the university is on it, with the
register that vouches for it, the employer is not, so the learner sees the difference.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from demo.peer_issuer import IssuerPeer
from wallet.trust_list import TrustedOrganisation

DEMO_REGISTER = "Demo register of recognised education providers"
FILE_NAME = "trust-list.json"


def university_entries(issuer: IssuerPeer, invitation: str | None) -> list[TrustedOrganisation]:
    """One entry per DID the university signs with (did:web for AnonCreds, did:keys for W3C)."""
    dids = [issuer.didweb_did, issuer.ed25519_did, issuer.bbs_did]
    return issuer_entries(issuer.label, dids, invitation)


def issuer_entries(
    name: str, dids: Iterable[str], invitation: str | None
) -> list[TrustedOrganisation]:
    """An issuer known by several DIDs: one entry for each, the same name and register."""
    return [
        TrustedOrganisation(
            did=did,
            name=name,
            register=DEMO_REGISTER,
            roles=("issuer",),
            invitation=invitation,
            binds_holder=True,  # an ACA-Py issuer: binds W3C credentials to the learner
        )
        for did in dict.fromkeys(d for d in dids if d)
    ]


def write_trust_list(folder: Path, entries: list[TrustedOrganisation]) -> Path:
    """The list as the wallet reads it (wallet/trust_list.py), private to this user."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    text = json.dumps([e.model_dump(by_alias=True, exclude_none=True) for e in entries], indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path

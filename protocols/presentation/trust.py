"""The consent engine's trust list, from the learner's trust list file (setting `trust_list`)."""

from __future__ import annotations

from config.settings import WalletSettings
from protocols.consent import TrustEntry, TrustList
from wallet.trust_list import TrustedOrganisation, load_trust_file


def load_trust_list(settings: WalletSettings) -> TrustList:
    """Read the configured file; raises ``TrustListError`` (a settings error) if it is bad."""
    return trust_list_of(load_trust_file(settings.trust_list))


def trust_list_of(organisations: list[TrustedOrganisation]) -> TrustList:
    return TrustList(
        entries=[
            TrustEntry(
                did=org.did,
                name=org.name,
                country=org.country,
                register=org.register_,
                roles=org.roles,
            )
            for org in organisations
        ]
    )

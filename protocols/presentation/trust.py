"""The consent engine's trust list, from the learner's trust list file (setting `trust_list`).

An entry's `invitation` is checked here, as the mediator's is (a whole invitation, not a
short link the wallet would have to fetch): the wallet layer reads the file but cannot
parse invitations, and a bad link should stop the start, not fail when the learner clicks.
"""

from __future__ import annotations

from pathlib import Path

from config.settings import WalletSettings
from protocols.connections.errors import InvitationError
from protocols.connections.mediator import mediator_invitation
from protocols.consent import TrustEntry, TrustList
from wallet.trust_list import TrustedOrganisation, TrustListError, load_trust_file


def load_trust_list(settings: WalletSettings) -> TrustList:
    """Read the configured file; raises ``TrustListError`` (a settings error) if it is bad."""
    return trust_list_of(check_trust_file(settings.trust_list))


def check_trust_file(path: Path | None) -> list[TrustedOrganisation]:
    """The file's entries, each invitation checked; ``TrustListError`` names the entry."""
    organisations = load_trust_file(path)
    for index, org in enumerate(organisations, start=1):
        if org.invitation is None:
            continue
        try:
            mediator_invitation(org.invitation)
        except InvitationError as error:
            raise TrustListError(
                f"trust list {path}: entry {index}: invitation: not an invitation the wallet "
                f"can use ({error.detail}); paste the organisation's whole invitation link"
            ) from None
    return organisations


def trust_list_of(organisations: list[TrustedOrganisation]) -> TrustList:
    return TrustList(
        entries=[
            TrustEntry(
                did=org.did,
                name=org.name,
                country=org.country,
                register=org.register_,
                roles=org.roles,
                invitation=org.invitation,
                binds_holder=org.binds_holder,
            )
            for org in organisations
        ]
    )

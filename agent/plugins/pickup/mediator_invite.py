"""`--mediator-invitation` applied once, not at every start (works around an ACA-Py 1.7 bug).

ACA-Py's conductor asks `MediationInviteStore.get_mediation_invite_record(invite)`, which
compares the stored record (a `MediationInviteRecord` tuple) with the given invitation (a
string): never equal, so every start stores the invitation as unused again, clears the
default mediator and connects to the mediator anew. A single-use invitation then fails,
a multi-use one makes a second mediation whose routing keys no peer knows, and messages
for the learner wait at the mediator under the old connection for good.

The plugin takes the invitation out of ACA-Py's settings at set-up (so the conductor skips
it) and, after start-up, does what the conductor means to do: accept it only if it is not
the one already used, with the same metadata that makes ACA-Py request mediation after
connecting and make the mediator its default once granted.
"""

from __future__ import annotations

import logging

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.profile import Profile
from acapy_agent.protocols.coordinate_mediation.mediation_invite_store import (
    MediationInviteRecord,
    MediationInviteStore,
)
from acapy_agent.protocols.coordinate_mediation.v1_0.manager import MediationManager
from acapy_agent.protocols.out_of_band.v1_0.manager import OutOfBandManager
from acapy_agent.protocols.out_of_band.v1_0.messages.invitation import InvitationMessage
from acapy_agent.storage.base import BaseStorage

LOGGER = logging.getLogger(__name__)
SETTING = "mediation.invite"


def take_invitation(context: InjectionContext) -> str | None:
    """The configured mediator invitation, removed from what the conductor will see."""
    invite = context.settings.get(SETTING)
    if invite:
        context.settings.set_value(SETTING, None)
    return str(invite) if invite else None


async def apply_invitation(profile: Profile, invite: str) -> str | None:
    """Connect to the mediator unless this invitation was used already; the new connection."""
    async with profile.session() as session:
        store = MediationInviteStore(session.inject(BaseStorage))
        stored = await store.get_mediation_invite_record(None)
        if stored is not None and stored.invite == invite and stored.used:
            LOGGER.info("pickup: the mediator invitation was used before; keeping its mediation")
            return None
        await store.store(MediationInviteRecord.unused(invite))
    await MediationManager(profile).clear_default_mediator()
    oob = await OutOfBandManager(profile).receive_invitation(
        invitation=InvitationMessage.from_url(invite), auto_accept=True
    )
    async with profile.session() as session:
        await MediationInviteStore(session.inject(BaseStorage)).mark_default_invite_as_used()
        await oob.metadata_set(session, MediationManager.SEND_REQ_AFTER_CONNECTION, True)
        await oob.metadata_set(session, MediationManager.SET_TO_DEFAULT_ON_GRANTED, True)
    LOGGER.info("pickup: connecting to the mediator of the configured invitation")
    return str(oob.connection_id)

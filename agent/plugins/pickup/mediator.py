"""Which socket to keep: the WebSocket endpoint of the mediator's connection.

With `--mediator-invitation` ACA-Py connects, asks for mediation and makes the mediator its
default when granted; the plugin learns all of it from ACA-Py's records. It does not wait
for the grant when it knows the connection the invitation made (`hint`): ACA-Py 1.7 as a
mediator returns one answer per socket at a time and queues the others, so the grant itself
may wait at the mediator until the pickup client asks for what is waiting.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from acapy_agent.connections.base_manager import BaseConnectionManager
from acapy_agent.connections.models.conn_record import ConnRecord
from acapy_agent.connections.models.connection_target import ConnectionTarget
from acapy_agent.core.profile import Profile
from acapy_agent.protocols.coordinate_mediation.v1_0.manager import MediationManager
from acapy_agent.protocols.coordinate_mediation.v1_0.models.mediation_record import (
    MediationRecord,
)
from acapy_agent.storage.error import StorageNotFoundError

from .targets import is_socket_endpoint


class NoSocketEndpointError(LookupError):
    """The mediator lists no ws/wss endpoint: pickup over a socket is impossible with it."""


@dataclass(frozen=True)
class MediatorLink:
    """The mediator's connection and the target (keys, endpoint) of its WebSocket."""

    connection_id: str
    label: str | None
    target: ConnectionTarget

    @property
    def endpoint(self) -> str:
        return str(self.target.endpoint)


async def mediator_connection_id(profile: Profile, hint: str | None) -> str | None:
    """The granted default mediator's connection, else the hinted one once it is ready."""
    record = await MediationManager(profile).get_default_mediator()
    if record is not None and record.state == MediationRecord.STATE_GRANTED:
        return str(record.connection_id)
    if hint is None:
        return None
    try:
        async with profile.session() as session:
            connection = await ConnRecord.retrieve_by_id(session, hint)
    except StorageNotFoundError:
        return None
    return hint if connection.is_ready else None


async def find_mediator_link(profile: Profile, hint: str | None = None) -> MediatorLink | None:
    """The mediator's socket target, or None while there is no mediator connection yet."""
    connection_id = await mediator_connection_id(profile, hint)
    if connection_id is None:
        return None
    targets = await BaseConnectionManager(profile).get_connection_targets(
        connection_id=connection_id
    )
    sockets = [t for t in targets if is_socket_endpoint(t.endpoint)]
    if not sockets:
        endpoints = [t.endpoint for t in targets]
        raise NoSocketEndpointError(f"the mediator lists no ws/wss endpoint, only {endpoints}")
    async with profile.session() as session:
        connection = await ConnRecord.retrieve_by_id(session, connection_id)
    return MediatorLink(connection_id, connection.their_label, sockets[0])


async def wait_for_mediator_link(
    profile: Profile, hint: str | None = None, first_delay: float = 0.1, max_delay: float = 5.0
) -> MediatorLink:
    """Poll ACA-Py's records until there is a mediator connection to keep a socket to."""
    delay = first_delay
    while True:
        link = await find_mediator_link(profile, hint)
        if link is not None:
            return link
        await asyncio.sleep(delay)
        delay = min(max_delay, delay * 2)

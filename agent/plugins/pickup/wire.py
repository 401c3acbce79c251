"""The wire format of the duplex transport: ACA-Py's own, plus `~transport.return_route: all`.

Without the decorator a mediator (or any peer) has no reason to answer on our socket, and
behind NAT the socket is the only way back. ACA-Py encodes each message with the wire
format of the transport that carries it (`OutboundTransportManager.perform_encode`), so
only what leaves through our ws/wss transport asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from acapy_agent.core.profile import ProfileSession
from acapy_agent.transport.pack_format import PackWireFormat

from .messages import add_return_route


class ReturnRouteWireFormat(PackWireFormat):
    """ACA-Py's pack format that adds the return-route decorator before packing."""

    async def encode_message(
        self,
        session: ProfileSession,
        message_json: str | bytes,
        recipient_keys: Sequence[str],
        routing_keys: Sequence[str],
        sender_key: str,
    ) -> str | bytes:
        return await super().encode_message(
            session, add_return_route(message_json), recipient_keys, routing_keys, sender_key
        )

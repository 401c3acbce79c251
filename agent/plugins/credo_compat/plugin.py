"""Register the tolerant response class for didexchange/1.0 and 1.1 `response` messages.

Plugins are set up after ACA-Py's own protocols, so this registration replaces the
response class ACA-Py registered; every other didexchange message stays as it was.
"""

from __future__ import annotations

import logging

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.protocol_registry import ProtocolRegistry
from acapy_agent.protocols.didcomm_prefix import DIDCommPrefix
from acapy_agent.protocols.didexchange.definition import versions
from acapy_agent.protocols.didexchange.v1_0.message_types import DIDX_RESPONSE

LOGGER = logging.getLogger(__name__)
RESPONSE_CLASS = "agent.plugins.credo_compat.response.ThreadCompletingResponse"


def install(context: InjectionContext) -> None:
    registry = context.inject(ProtocolRegistry)
    registry.register_message_types(
        DIDCommPrefix.qualify_all({DIDX_RESPONSE: RESPONSE_CLASS}),
        version_definition=versions[0],
    )
    LOGGER.info("credo_compat: DID exchange responses without pthid will be completed")

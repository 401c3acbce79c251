"""Whether an issuer is on the learner's trust list, for the credential and offer screens.

The consent prompt carries trust itself; offers and credentials do not (yet), so their
screens ask the same `TrustList` the consent engine uses rather than deciding anything new.
"""

from __future__ import annotations

from aiohttp import web

from protocols.consent import TrustEntry
from ui.web.services import services_of


def trust_of(request: web.Request, did: object) -> TrustEntry | None:
    return services_of(request).trust.lookup(did) if isinstance(did, str) else None

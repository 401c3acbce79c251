"""The demo verifier, "Employer": asks for AnonCreds or DIF proofs and verifies them itself.

Requests are sent with `auto_remove: false` so the verified record stays readable.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from demo.peer_agent import PeerAgent
from demo.peer_didweb import DidWebHostProcess

VERIFIER_LABEL = "Employer"
VERIFIER_ARGS = ("--auto-accept-requests", "--auto-verify-presentation")


def non_revoked_now() -> dict[str, int]:
    """An interval asking for "not revoked as of now"."""
    now = int(time.time())
    return {"from": now, "to": now}


class VerifierPeer(PeerAgent):
    """Sends proof requests; ACA-Py verifies what comes back (`verified` "true"/"false")."""

    async def request_proof_anoncreds(
        self,
        connection_id: str,
        requested_attributes: dict[str, Any],
        requested_predicates: dict[str, Any] | None = None,
        non_revoked: dict[str, int] | None = None,
        name: str = "Proof of course results",
        comment: str | None = None,
    ) -> str:
        """Send an AnonCreds proof request; the pres_ex_id."""
        request: dict[str, Any] = {
            "name": name,
            "version": "1.0",
            "requested_attributes": requested_attributes,
            "requested_predicates": requested_predicates or {},
        }
        if non_revoked is not None:
            request["non_revoked"] = non_revoked
        return await self._send_request({"anoncreds": request}, connection_id, comment)

    async def request_proof_dif(
        self,
        connection_id: str,
        presentation_definition: dict[str, Any],
        challenge: str | None = None,
        comment: str | None = None,
    ) -> str:
        """Send a DIF Presentation Exchange request; the pres_ex_id."""
        options = {"challenge": challenge or str(uuid.uuid4())}
        dif = {"options": options, "presentation_definition": presentation_definition}
        return await self._send_request({"dif": dif}, connection_id, comment)

    async def _send_request(
        self, presentation_request: dict[str, Any], connection_id: str, comment: str | None
    ) -> str:
        body: dict[str, Any] = {
            "connection_id": connection_id,
            "presentation_request": presentation_request,
            "auto_remove": False,
            "auto_verify": True,
        }
        if comment:
            body["comment"] = comment
        record = await self.call("POST", "/present-proof-2.0/send-request", body)
        return str(record["pres_ex_id"])


async def start_verifier(
    base_dir: Path, host: DidWebHostProcess | None = None, label: str = VERIFIER_LABEL
) -> VerifierPeer:
    """Start the verifier; with a did:web host it can resolve did:web AnonCreds objects."""
    env = host.agent_env if host is not None else None
    return await VerifierPeer.start(label, base_dir, VERIFIER_ARGS, env=env)

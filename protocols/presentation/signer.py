"""A fresh did:key to sign a DIF presentation whose credentials name no subject DID.

Credentials requested as offered (issuance/binding.py) carry no subject id, and ACA-Py
would then send the presentation unsigned, which verifiers refuse. A DID made for this one
presentation proves the learner holds a key, and shares nothing with any other
presentation: unlinkable, as the credentials themselves are.
"""

from __future__ import annotations

from typing import Any

from agent.admin_client import AdminClient
from agent.admin_models import DidCreateRequest
from protocols.consent import ConsentDecision, ConsentPrompt
from protocols.consent.presentation import needs_fresh_signer


async def sign_with_fresh_did(
    client: AdminClient, prompt: ConsentPrompt, decision: ConsentDecision, body: dict[str, Any]
) -> None:
    """Name a new did:key as the signer in `body` when no chosen credential has a subject."""
    dif = body.get("dif")
    if not isinstance(dif, dict) or "issuer_id" in dif or not needs_fresh_signer(prompt, decision):
        return
    request = DidCreateRequest(method="key", options={"key_type": prompt.signing_key_type})
    dif["issuer_id"] = (await client.create_did(request)).did

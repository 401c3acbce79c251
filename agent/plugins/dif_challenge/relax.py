"""Swap the UUID4-only challenge field of ACA-Py's DIF options for a nonce-shaped one.

ACA-Py builds fresh schema instances from the classes' declared fields whenever it
validates an incoming request, so replacing the declared `options` field at plugin set-up
(before any message arrives) changes what every later validation accepts.
"""

from __future__ import annotations

import logging

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.protocols.present_proof.dif.pres_exch import DIFOptionsSchema
from acapy_agent.protocols.present_proof.dif.pres_proposal_schema import DIFProofProposalSchema
from acapy_agent.protocols.present_proof.dif.pres_request_schema import DIFProofRequestSchema
from marshmallow import Schema, fields, validate

LOGGER = logging.getLogger(__name__)
CHALLENGE_PATTERN = r"^[A-Za-z0-9._~+/=:-]{8,512}$"


class NonceChallengeOptionsSchema(DIFOptionsSchema):
    """DIF options whose challenge may be any nonce, not only a UUID4."""

    challenge = fields.String(
        required=False,
        validate=validate.Regexp(
            CHALLENGE_PATTERN,
            error="challenge must be 8 to 512 letters, digits or -._~+/=: characters",
        ),
        metadata={"description": "Challenge protect against replay attack"},
    )


def relax_dif_challenge() -> list[str]:
    """Install the relaxed options schema; the names of the schemas changed."""
    changed = []
    schemas: tuple[type[Schema], ...] = (DIFProofRequestSchema, DIFProofProposalSchema)
    for schema in schemas:
        schema._declared_fields["options"] = fields.Nested(
            NonceChallengeOptionsSchema(), required=False
        )
        changed.append(schema.__name__)
    return changed


async def setup(context: InjectionContext) -> None:
    """ACA-Py calls this once while loading plugins, before any message is handled."""
    changed = relax_dif_challenge()
    LOGGER.info("DIF options.challenge accepts non-UUID nonces in %s", ", ".join(changed))

"""The dif_challenge ACA-Py plugin: a Credo-style decimal challenge passes ACA-Py's own
arrival check for DIF requests; malformed challenges and other UUID rules still fail.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from acapy_agent.protocols.present_proof.v2_0.formats.dif.handler import DIFPresFormatHandler
from acapy_agent.protocols.present_proof.v2_0.message_types import PRES_20_REQUEST
from marshmallow import ValidationError

from agent.plugins.dif_challenge import relax_dif_challenge

CREDO_NONCE = "973521583945672345178923645123456789012"
REQUEST: dict[str, Any] = {
    "options": {"challenge": CREDO_NONCE, "domain": "verifier.example"},
    "presentation_definition": {
        "id": "32f54163-7166-48f1-93d8-ff217bdb0653",
        "input_descriptors": [
            {
                "id": "course",
                "schema": [{"uri": "https://www.w3.org/2018/credentials#VerifiableCredential"}],
                "constraints": {"fields": [{"path": ["$.credentialSubject.courseTitle"]}]},
            }
        ],
    },
}


def arrives(request: dict[str, Any]) -> None:
    """What ACA-Py runs on an incoming request-presentation's DIF attachment."""
    DIFPresFormatHandler.validate_fields(PRES_20_REQUEST, request)


def with_challenge(challenge: str) -> dict[str, Any]:
    request = copy.deepcopy(REQUEST)
    request["options"]["challenge"] = challenge
    return request


def test_acapy_itself_rejects_a_decimal_challenge_and_the_plugin_accepts_it() -> None:
    # The plugin may already be installed by another test; check ACA-Py's rule on a copy.
    from acapy_agent.protocols.present_proof.dif.pres_exch import DIFOptionsSchema

    with pytest.raises(ValidationError, match="not UUID4"):
        DIFOptionsSchema().load({"challenge": CREDO_NONCE})
    assert relax_dif_challenge() == ["DIFProofRequestSchema", "DIFProofProposalSchema"]
    arrives(REQUEST)
    arrives(with_challenge("3fa85f64-5717-4562-b3fc-2c963f66afa7"))


@pytest.mark.parametrize("challenge", ["short", "has spaces in it", "x" * 513, "<script>"])
def test_malformed_challenges_are_still_refused(challenge: str) -> None:
    relax_dif_challenge()
    with pytest.raises(ValidationError, match="challenge"):
        arrives(with_challenge(challenge))


def test_other_uuid_rules_are_unchanged() -> None:
    relax_dif_challenge()
    request = copy.deepcopy(REQUEST)
    request["presentation_definition"]["id"] = "not-a-uuid"
    with pytest.raises(ValidationError, match="UUID4"):
        arrives(request)

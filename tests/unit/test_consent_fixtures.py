"""Realistic ACA-Py 1.7 shapes for the consent engine tests (no tests in here).

Shapes follow what ACA-Py really returns: ``GET /present-proof-2.0/records/{id}``
(``by_format.pres_request``), and the mixed list from ``.../credentials`` (AnonCreds
``cred_info`` entries; DIF entries are the stored VC itself with ``record_id`` added).
"""

import copy
from datetime import UTC, datetime
from typing import Any

from protocols.consent import TrustEntry, TrustList

NOW = datetime(2025, 6, 1, tzinfo=UTC)
UNI_DID = "did:web:uni.example"
UNI_SCHEMA = f"{UNI_DID}?service=anoncreds&relativeRef=/schema/8BRxVgpzZ9eZrFR5ZdwPqd"
UNI_CRED_DEF = f"{UNI_DID}?service=anoncreds&relativeRef=/credDef/6RuqNqPvsKuTiHbw3dE4gJ"
OTHER_CRED_DEF = "did:web:college.example?service=anoncreds&relativeRef=/credDef/Fz9wEj1"
INDY_DID = "WgWxqztrNooG92RXvxSTWv"
INDY_SCHEMA = f"{INDY_DID}:2:transcript:1.2"
INDY_CRED_DEF = f"{INDY_DID}:3:CL:20:default"
VERIFIER_DID = "did:web:acme.example"
HOLDER_BLS = "did:key:zUC7LTa4hWtaE9YKyDsMVGiRNqPMN3s4rjBdB3MFi6PcVWReNfR72y3oGW2NhNcaKNVhMobh"
HOLDER_ED = "did:key:z6MkgKA7yrw5kYSiDuQFcye4bMaJpcfHFry3Bx45pdWh3s8i"

TRUST = TrustList(
    entries=[
        TrustEntry(did=UNI_DID, name="University of Example", country="NL", register="NVAO"),
        TrustEntry(did=VERIFIER_DID, name="Acme Hiring", country="BE", register="KBO"),
    ]
)


def exchange_record(by_format: dict[str, Any], comment: str | None = None) -> dict[str, Any]:
    """A holder-side V20PresExRecord as ``GET /present-proof-2.0/records/{id}`` returns it."""
    formats = {
        "anoncreds": "anoncreds/proof-request@v1.0",
        "indy": "hlindy/proof-req@v2.0",
        "dif": "dif/presentation-exchange/definitions@v1.0",
    }
    return {
        "pres_ex_id": "0c4f3b0e-5c4e-4f43-a1f5-7b8d3e1f9a20",
        "connection_id": "b5f1a7c2-1f53-4a89-9d0e-4c7a2f3b8e61",
        "thread_id": "7d3c7e34-98a4-4a9d-8a1b-26a6c7f0d0f5",
        "initiator": "external",
        "role": "prover",
        "state": "request-received",
        "auto_present": False,
        "auto_verify": False,
        "auto_remove": False,
        "trace": False,
        "created_at": "2025-06-01T10:00:00.000000Z",
        "updated_at": "2025-06-01T10:00:00.000000Z",
        "pres_request": {
            "@type": "https://didcomm.org/present-proof/2.0/request-presentation",
            "@id": "7d3c7e34-98a4-4a9d-8a1b-26a6c7f0d0f5",
            "comment": comment,
            "will_confirm": True,
            "formats": [{"attach_id": k, "format": formats.get(k, k)} for k in by_format],
            "request_presentations~attach": [
                {"@id": k, "mime-type": "application/json", "data": {"base64": "e30="}}
                for k in by_format
            ],
        },
        "by_format": {"pres_request": copy.deepcopy(by_format)},
    }


def anoncreds_request() -> dict[str, Any]:
    """A job application: name revealed, degree group, score only proven."""
    return {
        "name": "Proof of degree",
        "version": "1.0",
        "nonce": "1234567890123456789012",
        "requested_attributes": {
            "0_name_uuid": {"name": "name", "restrictions": [{"cred_def_id": UNI_CRED_DEF}]},
            "1_degree_uuid": {
                "names": ["degree", "graduation_date"],
                "restrictions": [{"issuer_did": UNI_DID}],
            },
        },
        "requested_predicates": {
            "2_score_GE_uuid": {
                "name": "score",
                "p_type": ">=",
                "p_value": 70,
                "restrictions": [{"cred_def_id": UNI_CRED_DEF}],
            }
        },
        "non_revoked": {"to": 1748772000},
    }


def anoncreds_candidate(
    referent: str,
    attrs: dict[str, str],
    referents: list[str],
    cred_def_id: str = UNI_CRED_DEF,
    schema_id: str = UNI_SCHEMA,
) -> dict[str, Any]:
    """One entry of the credentials route for an AnonCreds request."""
    return {
        "cred_info": {
            "referent": referent,
            "schema_id": schema_id,
            "cred_def_id": cred_def_id,
            "rev_reg_id": None,
            "cred_rev_id": None,
            "attrs": attrs,
        },
        "interval": {"to": 1748772000},
        "presentation_referents": referents,
    }


DEGREE_ATTRS = {
    "name": "Alice Example",
    "degree": "BSc Computer Science",
    "graduation_date": "20240630",
    "score": "82",
}
ALL_REFERENTS = ["0_name_uuid", "1_degree_uuid", "2_score_GE_uuid"]


def anoncreds_candidates() -> list[dict[str, Any]]:
    """An older and a newer degree (ACA-Py lists storage order: oldest first)."""
    old = {**DEGREE_ATTRS, "score": "75"}
    return [
        anoncreds_candidate("cred-old", old, ALL_REFERENTS),
        anoncreds_candidate("cred-new", DEGREE_ATTRS, ALL_REFERENTS),
    ]


def dif_request(
    limit_disclosure: str | None = "required",
    proof_types: list[str] | None = None,
    challenge: str = "3fa85f64-5717-4562-b3fc-2c963f66afa7",
) -> dict[str, Any]:
    """A DIF request for a degree (BBS selective disclosure by default)."""
    constraints: dict[str, Any] = {
        "fields": [
            {
                "path": ["$.credentialSubject.degree", "$.vc.credentialSubject.degree"],
                "purpose": "We check your degree",
                "filter": {"type": "string"},
            },
            {"path": ["$.issuer.id", "$.issuer"], "filter": {"type": "string", "const": UNI_DID}},
        ]
    }
    if limit_disclosure:
        constraints["limit_disclosure"] = limit_disclosure
    return {
        "options": {"challenge": challenge, "domain": "acme.example"},
        "presentation_definition": {
            "id": "32f54163-7166-48f1-93d8-ff217bdb0653",
            "name": "Degree check",
            "purpose": "Hiring",
            "format": {"ldp_vp": {"proof_type": proof_types or ["BbsBlsSignature2020"]}},
            "input_descriptors": [
                {
                    "id": "degree_input",
                    "name": "University degree",
                    "schema": [
                        {"uri": "https://www.w3.org/2018/credentials#VerifiableCredential"},
                        {"uri": "https://example.org/examples#UniversityDegreeCredential"},
                    ],
                    "constraints": constraints,
                }
            ],
        },
    }


def w3c_credential(
    record_id: str,
    proof_type: str = "BbsBlsSignature2020",
    subject_id: str = HOLDER_BLS,
    issued: str = "2024-07-01T00:00:00Z",
    extra: dict[str, Any] | None = None,
    type_: str = "UniversityDegreeCredential",
) -> dict[str, Any]:
    """A stored VC as the credentials route returns it: the VC plus ``record_id``."""
    return {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/bbs/v1",
            {"@vocab": "https://example.org/examples#"},
        ],
        "id": f"urn:uuid:{record_id}",
        "type": ["VerifiableCredential", type_],
        "issuer": {"id": UNI_DID, "name": "University of Example"},
        "issuanceDate": issued,
        "credentialSubject": {
            "id": subject_id,
            "givenName": "Alice",
            "degree": "BSc Computer Science",
            "birthDate": "2001-02-03",
            **(extra or {}),
        },
        "proof": {
            "type": proof_type,
            "verificationMethod": f"{UNI_DID}#key-1",
            "created": issued,
            "proofPurpose": "assertionMethod",
            "proofValue": (
                "kTTbA3pmDa6Qia/JkOnIXDLmoBz3vsi7L5t3DWySI/VLmBqleJ/Tbus5RoyiDERDBEh5rnACXlnOqJ/U"
                "8yFQFtcp/mBCc2FtKNPHae9jKIv1dm9K9QK1F3GI1AwyGoUfjLWrkGDObO1ouNAhpEd0+et+qiOf2j8p"
                "3MTTtRRx4Hgjcl0jXCq7C7R5/nLpgimHAAAAdAx4ouhMk7v9dXijCIMaG0deicn6fLoq3GcNHuH5X1j2"
                "2LU/hDu7vvPnk/6JLkZ1xQAAAAIPd1tu598L/K3NSy0zOy6obaojEnaqc1R5Ih/6ZZgfEln2a6tuUp4w"
                "ePExI1DGHqwj3j2lKg31a/6bSs7SMecHBQdgIYHnBmCYGNQnu/LZ9TFV56tBXY6YOWZgFzgLDrApnrFp"
                "ixEACM9rwrJ5ORtxAAAAAgE4gUIIC9aHyJNa5TBklMOh6lvQkMVLXa/vEl+3NCLXblxjgpM7UEMqBkE9"
                "/QcoD3Tgmy+z0hN+4eky1RnJsEg="
            ),
        },
        "record_id": record_id,
    }


def dif_candidates() -> list[dict[str, Any]]:
    """An older and a newer BBS degree and one Ed25519 degree."""
    return [
        w3c_credential("vc-old", issued="2023-07-01T00:00:00Z"),
        w3c_credential("vc-new"),
        w3c_credential("vc-ed", "Ed25519Signature2018", HOLDER_ED, "2024-08-01T00:00:00Z"),
    ]

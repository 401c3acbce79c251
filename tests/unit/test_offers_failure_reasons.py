"""Naming the context a received credential is missing (ACA-Py only says "could not expand")."""

from __future__ import annotations

from agent.admin_models import CredentialExchangeRecord
from protocols.issuance.failure_reasons import (
    context_urls,
    issued_ld_credential,
    missing_contexts_reason,
)

V1 = "https://www.w3.org/2018/credentials/v1"
OWN = "https://registrar.example/contexts/transcript/v1"


def test_remote_contexts_are_collected_once_from_document_and_proof() -> None:
    document = {
        "@context": [V1, {"inline": "https://x.example/#inline"}, OWN],
        "proof": {"@context": [V1, "https://w3id.org/security/suites/ed25519-2020/v1"]},
    }
    assert context_urls(document) == [V1, OWN, "https://w3id.org/security/suites/ed25519-2020/v1"]
    assert context_urls({"@context": V1}) == [V1]
    assert context_urls({"@context": 7, "proof": "z"}) == []


def test_the_issued_credential_is_read_from_the_exchange_record() -> None:
    issued = {"@context": [V1, OWN], "type": ["VerifiableCredential"]}
    record = CredentialExchangeRecord(
        cred_ex_id="x", state="credential-received", by_format={"cred_issue": {"ld_proof": issued}}
    )
    assert issued_ld_credential(record) == issued
    anoncreds = CredentialExchangeRecord(
        cred_ex_id="y", by_format={"cred_issue": {"anoncreds": {}}}
    )
    assert issued_ld_credential(anoncreds) is None
    assert issued_ld_credential(CredentialExchangeRecord(cred_ex_id="z")) is None


def test_the_reason_names_each_missing_context_and_what_to_ask_for() -> None:
    reason = missing_contexts_reason([OWN])
    assert OWN in reason and "never downloads" in reason and "Ask the issuer" in reason

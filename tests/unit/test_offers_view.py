"""Building the learner's offer view from ACA-Py record shapes (ld_proof and AnonCreds)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from agent.admin_models import CredentialExchangeDetail
from protocols.issuance.models import OfferNote
from protocols.issuance.offer_view import flatten_subject, issuer_did_of_cred_def, offer_view
from tests.unit.offer_fakes import (
    BBS_ISSUER,
    CRED_DEF_ID,
    DIDWEB_ISSUER,
    ED25519_ISSUER,
    SCHEMA_ID,
    anoncreds_record,
    badge_record,
    detail,
    ld_record,
)


def view(record, stored=None, note=None, schema_name=None, label="Open Learning Institute"):
    parsed = CredentialExchangeDetail.model_validate(detail(record, stored))
    return offer_view(parsed, label, note, schema_name)


def test_ed25519_microcredential_offer_shows_issuer_type_and_flat_values() -> None:
    offer = view(ld_record("x1"))
    assert offer.state == "pending"
    assert offer.format == "ld_proof"
    assert offer.proof_type == "Ed25519Signature2020"
    assert offer.issuer_did == ED25519_ISSUER
    assert offer.issuer_label == "Open Learning Institute"
    assert offer.types == ["VerifiableCredential", "MicroCredential"]
    assert offer.title == "Data Literacy Foundations"
    values = {v.name: v.value for v in offer.values}
    assert values == {
        "courseTitle": "Data Literacy Foundations",
        "provider": "Open Learning Institute",
        "score": 87,
        "completionDate": "2025-06-30",
        "skills": "reading data, charts",
    }
    assert offer.received_at == datetime(2026, 11, 22, 6, 56, 16, 800653, tzinfo=UTC)


def test_bbs_offer_keeps_its_proof_type() -> None:
    offer = view(ld_record("x2", "BbsBlsSignature2020", issuer=BBS_ISSUER))
    assert offer.proof_type == "BbsBlsSignature2020"
    assert offer.issuer_did == BBS_ISSUER


def test_open_badge_takes_issuer_id_from_profile_and_nested_achievement_values() -> None:
    offer = view(badge_record("b1"))
    assert offer.issuer_did == ED25519_ISSUER
    assert offer.types[-1] == "OpenBadgeCredential"
    assert offer.title == "Data Literacy Foundations"
    names = [v.name for v in offer.values]
    assert names == ["achievement.id", "achievement.name", "achievement.criteria.narrative"]


def test_anoncreds_offer_reads_preview_cred_def_and_schema_name() -> None:
    offer = view(anoncreds_record("a1"), schema_name="Course result")
    assert offer.format == "anoncreds"
    assert offer.proof_type is None
    assert offer.issuer_did == DIDWEB_ISSUER
    assert offer.cred_def_id == CRED_DEF_ID
    assert offer.schema_id == SCHEMA_ID
    assert offer.title == "Course result"
    assert offer.comment == "Your course result"
    assert [(v.name, v.value) for v in offer.values] == [
        ("course_title", "Data Literacy Foundations"),
        ("score", "87"),
    ]


def test_anoncreds_title_falls_back_to_legacy_schema_id_then_a_generic_name() -> None:
    record = anoncreds_record("a2")
    record["by_format"]["cred_offer"]["anoncreds"]["schema_id"] = (
        "Th7MpTaRZVRYnPiabds81Y:2:degree:1.0"
    )
    assert view(record).title == "degree"
    assert view(anoncreds_record("a3")).title == "AnonCreds credential"


def test_done_exchange_shows_the_stored_credential_and_bound_subject() -> None:
    record = ld_record("d1", state="done")
    bound = {"credential": {"credentialSubject": {"id": "did:key:z6MkHolder"}}}
    record["by_format"]["cred_request"] = {"ld_proof": bound}
    offer = view(record, stored="cred-42")
    assert offer.state == "done"
    assert offer.credential_id == "w3c:cred-42"  # as /api/credentials names it
    assert offer.holder_did == "did:key:z6MkHolder"


def test_abandoned_after_our_problem_report_is_declined_with_the_reason() -> None:
    record = ld_record("r1", state="abandoned")
    record["error_msg"] = "created problem report: not my course"
    offer = view(record)
    assert (offer.state, offer.decline_reason, offer.failure) == ("declined", "not my course", None)


def test_abandoned_by_the_issuer_is_failed_with_acapys_reason() -> None:
    record = anoncreds_record("f1", state="abandoned")
    record["error_msg"] = "issuance-abandoned: revoked before issue"
    offer = view(record)
    assert offer.state == "failed"
    assert offer.failure == "issuance-abandoned: revoked before issue"


def test_a_passed_deadline_fails_a_waiting_exchange_but_done_wins() -> None:
    note = OfferNote(cred_ex_id="w1", decision="accepted", failure="no answer in 5 s")
    waiting = view(ld_record("w1", state="request-sent"), note=note)
    assert (waiting.state, waiting.failure) == ("failed", "no answer in 5 s")
    late = view(ld_record("w1", state="done"), stored="c1", note=note)
    assert (late.state, late.failure) == ("done", None)


def test_accepted_and_auto_flag_come_from_the_note() -> None:
    note = OfferNote(cred_ex_id="q1", decision="accepted", auto=True, holder_did="did:key:z6Mk1")
    offer = view(ld_record("q1", state="request-sent"), note=note)
    assert (offer.state, offer.auto_accepted, offer.holder_did) == (
        "accepted",
        True,
        "did:key:z6Mk1",
    )


def test_unknown_format_is_other_and_keeps_a_title() -> None:
    record = ld_record("o1")
    record["by_format"] = {"cred_offer": {"vc_di": {}}}
    offer = view(record)
    assert (offer.format, offer.title, offer.values) == ("other", "Credential", [])


def test_issuer_of_cred_def_ids() -> None:
    assert issuer_did_of_cred_def(CRED_DEF_ID) == DIDWEB_ISSUER
    indy = "did:indy:sovrin:WgWxqztrNooG92RXvxSTWv/anoncreds/v0/CLAIM_DEF/20/tag"
    assert issuer_did_of_cred_def(indy) == "did:indy:sovrin:WgWxqztrNooG92RXvxSTWv"
    assert issuer_did_of_cred_def("Th7MpTaRZVRYnPiabds81Y:3:CL:20:tag") == "Th7MpTaRZVRYnPiabds81Y"
    assert issuer_did_of_cred_def(None) is None


def test_flatten_indexes_lists_of_objects() -> None:
    subject = {"id": "did:key:z", "result": [{"type": "Result", "value": "A"}, {"value": "B"}]}
    assert [(v.name, v.value) for v in flatten_subject(subject)] == [
        ("result[0].value", "A"),
        ("result[1].value", "B"),
    ]


scalars = st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none())
keys = st.text("abcdefgh", min_size=1, max_size=4).filter(lambda k: k not in ("id", "type"))
subjects = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=12,
)


@given(st.dictionaries(keys, subjects, max_size=4))
def test_flatten_never_fails_and_names_each_value_once(subject) -> None:
    values = flatten_subject(subject)
    names = [v.name for v in values]
    assert len(names) == len(set(names))
    assert all(name for name in names)

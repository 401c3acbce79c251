"""History says, per credential used, which fields were shared and which stayed hidden.

Names only: a BBS derived proof hides the subject fields not asked for, AnonCreds hides
attributes not asked for, not revealed or only proven; a whole credential hides nothing;
a credential whose fields could not be read leaves "hidden" unknown rather than empty.
"""

from __future__ import annotations

import asyncio
import html
from typing import Any

import pytest

from agent.admin_client import AdminApiError
from agent.admin_models import AnonCredsCredentialInfo, W3CCredentialRecord
from protocols.consent import ConsentDecision, ItemChoice, build_prompt
from protocols.consent.dif_match import credential_leaves
from protocols.presentation import credential_fields
from protocols.presentation.credential_fields import field_names
from protocols.presentation.history_entries import approval_entry
from protocols.presentation.history_fields import Shown, shown_by_credential
from tests.unit.test_consent_fixtures import (
    HOLDER_ED,
    NOW,
    TRUST,
    VERIFIER_DID,
    anoncreds_candidate,
    anoncreds_request,
    dif_request,
    exchange_record,
    w3c_credential,
)
from ui.web.i18n import catalogue
from ui.web.pages.render import environment
from ui.web.pages.wording import Wording
from wallet.history import HistoryEntry

VC_VALUES = {"nickname": "Captain Wobblebottom", "favouriteColour": "ultramarine-xyz"}
ATTRS = {
    "name": "Zebulon Quixotic-Vance",
    "degree": "MSc Cryptozoology",
    "graduation_date": "19991231",
    "score": "8675309123",
    "transcript_no": "TX-55501-Q",  # in the credential, never asked for
}


def document(candidate: dict[str, Any]) -> dict[str, Any]:
    """The VC as ACA-Py stores it (the route adds `record_id` to its candidates)."""
    return {k: v for k, v in candidate.items() if k != "record_id"}


def names_of(candidate: dict[str, Any]) -> list[str]:
    return [name for name, _ in credential_leaves(document(candidate))]


def bbs_entry(fields: dict[str, list[str]] | None) -> HistoryEntry:
    vc = w3c_credential("vc-1", extra=VC_VALUES)
    record = exchange_record({"dif": dif_request()})
    prompt = build_prompt(record, [vc], TRUST, "Acme", verifier_did=VERIFIER_DID, now=NOW)
    decision = ConsentDecision(choices={"degree_input": ItemChoice(credential_id="vc-1")})
    return approval_entry(prompt, decision, fields)


def test_a_bbs_derived_proof_records_the_subject_fields_that_stayed_hidden() -> None:
    vc = w3c_credential("vc-1", extra=VC_VALUES)
    entry = bbs_entry({"vc-1": names_of(vc)})
    (used,) = entry.credentials
    assert not used.whole_credential
    assert used.hidden == ["givenName", "birthDate", "nickname", "favouriteColour"]
    assert used.shared[0] == "degree"  # what was asked for comes first
    # What ACA-Py always discloses is named too; the subject's id keeps its full name
    # beside the credential's own id.
    assert {"id", "issuanceDate", "credentialSubject.id", "issuer.id"} <= set(used.shared)
    assert not set(used.shared) & set(used.hidden)
    stored = entry.model_dump_json()
    for value in [*VC_VALUES.values(), "Alice", "2001-02-03", "BSc Computer Science"]:
        assert value not in stored, f"history holds the value {value!r}"


def test_fields_that_could_not_be_read_leave_hidden_unknown_not_empty() -> None:
    (used,) = bbs_entry(None).credentials
    assert used.hidden is None
    assert used.shared[0] == "degree"


def test_anoncreds_hides_what_was_not_asked_for_not_revealed_or_only_proven() -> None:
    request = anoncreds_request()
    record = exchange_record({"anoncreds": request})
    held = anoncreds_candidate("cred-1", ATTRS, ["0_name_uuid", "1_degree_uuid", "2_score_GE_uuid"])
    prompt = build_prompt(record, [held], TRUST, "Acme", verifier_did=VERIFIER_DID, now=NOW)
    decision = ConsentDecision(
        choices={
            "0_name_uuid": ItemChoice(credential_id="cred-1", revealed=False),
            "1_degree_uuid": ItemChoice(credential_id="cred-1"),
            "2_score_GE_uuid": ItemChoice(credential_id="cred-1"),
        }
    )
    entry = approval_entry(prompt, decision, {"cred-1": list(ATTRS)})
    (used,) = entry.credentials
    assert used.shared == ["degree", "graduation_date"]
    assert used.hidden == ["name", "score", "transcript_no"]
    assert entry.predicates == ["score >= 70"] and entry.hidden == ["name"]
    stored = entry.model_dump_json()
    assert not [value for value in ATTRS.values() if value in stored]


def test_anoncreds_names_compare_without_case_or_spaces_and_keep_the_credential_s_spelling() -> (
    None
):
    request = {
        "name": "Check",
        "version": "1.0",
        "nonce": "1234567890123456789012",
        "requested_attributes": {"who": {"name": "Given Name"}},
        "requested_predicates": {},
    }
    held = anoncreds_candidate("cred-2", {"givenname": "Ada", "city": "Bonn"}, ["who"])
    record = exchange_record({"anoncreds": request})
    prompt = build_prompt(record, [held], TRUST, "Acme", verifier_did=VERIFIER_DID, now=NOW)
    decision = ConsentDecision(choices={"who": ItemChoice(credential_id="cred-2")})
    (used,) = approval_entry(prompt, decision, {"cred-2": ["givenname", "city"]}).credentials
    assert used.shared == ["givenname"] and used.hidden == ["city"]


def test_a_whole_credential_hides_nothing() -> None:
    vc = w3c_credential(
        "vc-ed", proof_type="Ed25519Signature2020", subject_id=HOLDER_ED, extra=VC_VALUES
    )
    request = dif_request(limit_disclosure=None, proof_types=["Ed25519Signature2020"])
    record = exchange_record({"dif": request})
    prompt = build_prompt(record, [vc], TRUST, "Acme", verifier_did=VERIFIER_DID, now=NOW)
    decision = ConsentDecision(choices={"degree_input": ItemChoice(credential_id="vc-ed")})
    (used,) = approval_entry(prompt, decision, {"vc-ed": names_of(vc)}).credentials
    assert used.whole_credential and used.hidden == []
    assert {"givenName", "birthDate", "nickname", "favouriteColour"} <= set(used.shared)


class CredentialReads:
    """ACA-Py's two credential reads, as far as `field_names` uses them."""

    def __init__(self, vc: dict[str, Any]) -> None:
        self.vc = vc

    async def anoncreds_credential(self, credential_id: str) -> AnonCredsCredentialInfo:
        if credential_id != "cred-1":
            raise AdminApiError(f"GET /credential/{credential_id}: not found", 404)
        return AnonCredsCredentialInfo(
            referent="cred-1", schema_id="s", cred_def_id="c", attrs=dict(ATTRS)
        )

    async def w3c_credential(self, credential_id: str) -> W3CCredentialRecord:
        return W3CCredentialRecord(record_id=credential_id, cred_value=self.vc)


async def test_names_are_read_from_acapy_and_an_unreadable_credential_is_left_out() -> None:
    vc = document(w3c_credential("vc-1", extra=VC_VALUES))
    used = {
        "cred-1": Shown(format="anoncreds"),
        "vc-1": Shown(format="w3c"),
        "gone": Shown(format="anoncreds"),
    }
    found = await field_names(CredentialReads(vc), used)  # type: ignore[arg-type]
    assert found == {"cred-1": list(ATTRS), "vc-1": [n for n, _ in credential_leaves(vc)]}
    assert not [v for v in ATTRS.values() if v in repr(found)]


class SlowReads(CredentialReads):
    async def w3c_credential(self, credential_id: str) -> W3CCredentialRecord:
        await asyncio.Event().wait()  # an agent that never answers
        raise AssertionError("unreachable")


async def test_a_read_that_takes_too_long_leaves_the_fields_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(credential_fields, "READ_DEADLINE", 0.05)
    used = {"cred-1": Shown(format="anoncreds"), "vc-1": Shown(format="w3c")}
    found = await field_names(SlowReads({}), used)  # type: ignore[arg-type]
    assert found == {"cred-1": list(ATTRS)}


def test_shown_by_credential_counts_a_credential_used_only_for_a_predicate() -> None:
    request = anoncreds_request()
    request["requested_attributes"] = {}
    record = exchange_record({"anoncreds": request})
    held = anoncreds_candidate("cred-1", ATTRS, ["2_score_GE_uuid"])
    prompt = build_prompt(record, [held], TRUST, "Acme", verifier_did=VERIFIER_DID, now=NOW)
    decision = ConsentDecision(choices={"2_score_GE_uuid": ItemChoice(credential_id="cred-1")})
    shown = shown_by_credential(prompt, decision)
    assert shown == {"cred-1": Shown(format="anoncreds", names=[])}


@pytest.mark.parametrize(
    ("language", "hidden", "saw"),
    [
        # Labels, not names: known fields in the learner's language, others in words.
        (
            "en",
            "Hidden: Given name, Date of birth, Nickname, Favourite colour",
            "They saw: Degree, ",
        ),
        (
            "de",
            "Verborgen: Vorname, Geburtsdatum, Nickname, Favourite colour",
            "Gesehen: Abschluss, ",
        ),
    ],
)
def test_the_history_screen_says_what_stayed_hidden(language: str, hidden: str, saw: str) -> None:
    vc = w3c_credential("vc-1", extra=VC_VALUES)
    new = bbs_entry({"vc-1": names_of(vc)}).model_dump(mode="json")
    old = bbs_entry(None).model_dump(mode="json")  # as entries written before were
    old["hidden"] = ["name"]
    page = html.unescape(
        environment()
        .get_template("history_list.html")
        .render(
            t=catalogue(language).text,
            history_list=[new, old],
            iso=str,
            date_time=str,
            **Wording(catalogue(language)).helpers(),
        )
    )
    new_card, old_card = page.split('<li class="card">')[1:]
    assert hidden in new_card and saw in new_card
    kept_hidden = f"<dt>{catalogue(language).text('history.hidden')}</dt><dd>Name</dd>"
    assert kept_hidden not in new_card and "<dt>" in new_card
    assert kept_hidden in old_card and hidden not in old_card

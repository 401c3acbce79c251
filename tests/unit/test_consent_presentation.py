"""Decisions -> the exact send-presentation body, clear errors, and the history summary."""

from typing import Any

import pytest

from protocols.consent import (
    ConsentDecision,
    ConsentPrompt,
    DecisionError,
    ItemChoice,
    build_prompt,
    default_decision,
    disclosure_of,
    presentation_body,
)
from tests.unit.test_consent_fixtures import (
    NOW,
    TRUST,
    anoncreds_candidates,
    anoncreds_request,
    dif_candidates,
    dif_request,
    exchange_record,
    w3c_credential,
)


def _prompt(by_format: dict[str, Any], candidates: list[dict[str, Any]]) -> ConsentPrompt:
    return build_prompt(exchange_record(by_format), candidates, TRUST, "Acme HR", now=NOW)


def _anoncreds(key: str = "anoncreds") -> ConsentPrompt:
    request = anoncreds_request()
    request["requested_attributes"]["3_phone"] = {"name": "phone"}
    return _prompt({key: request}, anoncreds_candidates())


def _decide(prompt: ConsentPrompt, **changes: ItemChoice) -> ConsentDecision:
    choices = {**default_decision(prompt).choices, **changes}
    return ConsentDecision(choices=choices)


PHONE = ItemChoice(self_attested_value="+32 470 00 00 00")


def test_anoncreds_body_has_the_exact_shape() -> None:
    prompt = _anoncreds()
    decision = _decide(prompt, **{"3_phone": PHONE})
    assert presentation_body(prompt, decision) == {
        "anoncreds": {
            "requested_attributes": {
                "0_name_uuid": {"cred_id": "cred-new", "revealed": True},
                "1_degree_uuid": {"cred_id": "cred-new", "revealed": True},
            },
            "requested_predicates": {"2_score_GE_uuid": {"cred_id": "cred-new"}},
            "self_attested_attributes": {"3_phone": "+32 470 00 00 00"},
        }
    }


def test_indy_requests_are_answered_under_the_indy_key() -> None:
    prompt = _anoncreds("indy")
    body = presentation_body(prompt, _decide(prompt, **{"3_phone": PHONE}))
    assert list(body) == ["indy"]


def test_hidden_attribute_is_sent_unrevealed() -> None:
    prompt = _anoncreds()
    hide = ItemChoice(credential_id="cred-old", revealed=False)
    body = presentation_body(prompt, _decide(prompt, **{"0_name_uuid": hide, "3_phone": PHONE}))
    assert body["anoncreds"]["requested_attributes"]["0_name_uuid"] == {
        "cred_id": "cred-old",
        "revealed": False,
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"9_unknown": ItemChoice(credential_id="cred-new")}, "was not asked for"),
        ({"0_name_uuid": ItemChoice(credential_id="cred-other")}, "cannot answer 'name'"),
        ({"2_score_GE_uuid": ItemChoice(credential_id="cred-new", revealed=False)}, "only proven"),
        ({"1_degree_uuid": ItemChoice(credential_id="cred-new", revealed=False)}, "always reveals"),
        ({"3_phone": ItemChoice()}, "type a value for 'phone'"),
        ({"3_phone": ItemChoice(self_attested_value="   ")}, "Type a value"),
        ({"0_name_uuid": ItemChoice(self_attested_value="Bob")}, "cannot be typed"),
        (
            {"3_phone": ItemChoice(credential_id="cred-new", self_attested_value="1")},
            "not both",
        ),
        ({"3_phone": ItemChoice(self_attested_value="1", revealed=False)}, "always shown"),
    ],
)
def test_decisions_that_do_not_fit_are_refused(
    changes: dict[str, ItemChoice], message: str
) -> None:
    prompt = _anoncreds()
    decision = _decide(prompt, **({"3_phone": PHONE} | changes))
    with pytest.raises(DecisionError, match=message):
        presentation_body(prompt, decision)


def test_missing_required_item_is_refused() -> None:
    prompt = _anoncreds()
    choices = dict(_decide(prompt, **{"3_phone": PHONE}).choices)
    del choices["0_name_uuid"]
    with pytest.raises(DecisionError, match="Choose a credential for 'name'"):
        presentation_body(prompt, ConsentDecision(choices=choices))


def test_unusable_candidate_explains_why() -> None:
    revoked = {**anoncreds_candidates()[1], "revoked": True}
    prompt = _prompt({"anoncreds": anoncreds_request()}, [anoncreds_candidates()[0], revoked])
    decision = _decide(prompt, **{"0_name_uuid": ItemChoice(credential_id="cred-new")})
    with pytest.raises(DecisionError, match="has been revoked"):
        presentation_body(prompt, decision)


def test_unanswerable_prompt_sends_nothing() -> None:
    prompt = _prompt({"anoncreds": anoncreds_request()}, [])
    with pytest.raises(DecisionError, match="cannot be answered"):
        presentation_body(prompt, default_decision(prompt))


def test_dif_body_names_every_descriptor() -> None:
    prompt = _prompt({"dif": dif_request()}, dif_candidates())
    assert presentation_body(prompt, default_decision(prompt)) == {
        "dif": {"record_ids": {"degree_input": ["vc-new"]}}
    }
    with pytest.raises(DecisionError, match="cannot answer"):
        presentation_body(prompt, _decide(prompt, degree_input=ItemChoice(credential_id="vc-ed")))
    with pytest.raises(DecisionError, match="cannot be hidden"):
        hide = ItemChoice(credential_id="vc-new", revealed=False)
        presentation_body(prompt, _decide(prompt, degree_input=hide))


def _mixed() -> ConsentPrompt:
    request = dif_request(limit_disclosure=None, proof_types=["BbsBlsSignature2020"])
    request["presentation_definition"]["input_descriptors"].append(
        {
            "id": "badge_input",
            "name": "Course badge",
            "group": ["B"],
            "schema": [{"uri": "https://example.org/examples#CourseBadge"}],
            "constraints": {"fields": [{"path": ["$['credentialSubject']['course']"]}]},
        }
    )
    request["presentation_definition"]["input_descriptors"][0]["group"] = ["A"]
    request["presentation_definition"]["submission_requirements"] = [
        {"rule": "all", "from": "A"},
        {"rule": "pick", "min": 0, "max": 1, "from": "B"},
    ]
    badge = w3c_credential("vc-badge", type_="CourseBadge", extra={"course": "Rust 101"})
    return _prompt(
        {"anoncreds": anoncreds_request(), "dif": request},
        [*anoncreds_candidates(), *dif_candidates(), badge],
    )


def test_one_body_answers_both_formats_with_several_credentials() -> None:
    prompt = _mixed()
    assert prompt.formats == ["anoncreds", "dif"]
    badge = ItemChoice(credential_id="vc-badge")
    body = presentation_body(prompt, _decide(prompt, badge_input=badge))
    assert set(body) == {"anoncreds", "dif"}
    assert body["dif"] == {"record_ids": {"degree_input": ["vc-new"], "badge_input": ["vc-badge"]}}
    assert body["anoncreds"]["requested_predicates"] == {"2_score_GE_uuid": {"cred_id": "cred-new"}}


def test_skipped_optional_descriptor_gets_an_empty_list() -> None:
    prompt = _mixed()
    decision = default_decision(prompt)
    assert "badge_input" in decision.choices  # min 0, target 1: the default answers one
    choices = {k: v for k, v in decision.choices.items() if k != "badge_input"}
    body = presentation_body(prompt, ConsentDecision(choices=choices))
    assert body["dif"]["record_ids"]["badge_input"] == []


def test_disclosure_lists_names_never_values() -> None:
    prompt = _anoncreds()
    hide = ItemChoice(credential_id="cred-new", revealed=False)
    decision = _decide(prompt, **{"0_name_uuid": hide, "3_phone": PHONE})
    disclosure = disclosure_of(prompt, decision)
    assert disclosure.revealed == ["degree", "graduation_date"]
    assert disclosure.hidden == ["name"]
    assert disclosure.predicates == ["score >= 70"]
    assert disclosure.self_attested == ["phone"]
    assert [c.credential_id for c in disclosure.credentials] == ["cred-new"]
    assert disclosure.credentials[0].items == ["0_name_uuid", "1_degree_uuid", "2_score_GE_uuid"]
    text = disclosure.model_dump_json()
    for value in ("Alice", "BSc", "20240630", "82", "+32"):
        assert value not in text


def test_disclosure_of_a_dif_presentation() -> None:
    prompt = _mixed()
    disclosure = disclosure_of(prompt, default_decision(prompt))
    assert "credentialSubject.degree" in disclosure.revealed
    assert "credentialSubject.birthDate" in disclosure.revealed  # not selective: whole VC
    uses = {c.credential_id: c for c in disclosure.credentials}
    assert uses["vc-new"].whole_credential and uses["vc-new"].format == "w3c"
    assert "Alice" not in disclosure.model_dump_json()

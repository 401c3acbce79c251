"""Property tests: defaults fit, hidden stays hidden, history never holds values."""

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols.consent import (
    ConsentDecision,
    ConsentPrompt,
    DecisionError,
    HostileRequestError,
    ItemChoice,
    build_prompt,
    default_decision,
    disclosure_of,
    presentation_body,
)
from tests.unit.test_consent_fixtures import (
    NOW,
    OTHER_CRED_DEF,
    TRUST,
    UNI_CRED_DEF,
    anoncreds_candidate,
    exchange_record,
)

NAMES = ["name", "degree", "score", "level", "credits", "school", "grade"]
name_st = st.sampled_from(NAMES)
value_st = st.one_of(
    st.integers(1000, 9999).map(str),
    st.integers(1000, 9999).map(str),
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8).map(lambda s: f"val-{s}"),
)
restriction_st = st.lists(
    st.sampled_from([{"cred_def_id": UNI_CRED_DEF}] * 3 + [{"cred_def_id": OTHER_CRED_DEF}]),
    min_size=1,
    max_size=2,
)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for i in range(draw(st.integers(0, 5))):
        names = draw(st.lists(name_st, min_size=1, max_size=3, unique=True))
        spec = {"name": names[0]} if len(names) == 1 else {"names": names}
        attributes[f"{i}_attr"] = {**spec, "restrictions": draw(restriction_st)}
    predicates = {
        f"{i}_pred": {
            "name": draw(name_st),
            "p_type": draw(st.sampled_from([">=", ">"] * 3 + ["<=", "<"])),
            "p_value": draw(st.integers(0, 99)),
            "restrictions": draw(restriction_st),
        }
        for i in range(draw(st.integers(0 if attributes else 1, 3)))
    }
    return {"name": "Check", "requested_attributes": attributes, "requested_predicates": predicates}


@st.composite
def candidates(draw: st.DrawFn) -> list[dict[str, Any]]:
    found = []
    for i in range(draw(st.integers(1, 4))):
        attrs = {n: draw(value_st) for n in NAMES if draw(st.integers(0, 9))}
        cred_def = draw(st.sampled_from([UNI_CRED_DEF] * 3 + [OTHER_CRED_DEF]))
        found.append(anoncreds_candidate(f"c{i}", attrs, [], cred_def_id=cred_def))
    return found


def _prompt(request: dict[str, Any], found: list[dict[str, Any]]) -> ConsentPrompt:
    return build_prompt(exchange_record({"anoncreds": request}), found, TRUST, "V", now=NOW)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(requests(), candidates())
def test_default_decision_fits_whenever_the_prompt_is_answerable(
    request: dict[str, Any], found: list[dict[str, Any]]
) -> None:
    prompt = _prompt(request, found)
    if not prompt.answerable:
        try:
            presentation_body(prompt, default_decision(prompt))
        except DecisionError:
            return
        raise AssertionError("an unanswerable prompt produced a body")
    body = presentation_body(prompt, default_decision(prompt))["anoncreds"]
    answered = {**body["requested_attributes"], **body["requested_predicates"]}
    assert set(answered) == {item.referent for item in prompt.items}


@st.composite
def decisions(draw: st.DrawFn, prompt: ConsentPrompt) -> ConsentDecision:
    choices = {}
    for item in prompt.items:
        usable = [c.credential_id for c in item.candidates if c.usable]
        if not usable:
            continue
        hide = item.may_hide and draw(st.booleans())
        choices[item.referent] = ItemChoice(
            credential_id=draw(st.sampled_from(usable)), revealed=not hide
        )
    return ConsentDecision(choices=choices)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(requests(), candidates(), st.data())
def test_body_never_reveals_what_the_decision_hides(
    request: dict[str, Any], found: list[dict[str, Any]], data: st.DataObject
) -> None:
    prompt = _prompt(request, found)
    if not prompt.answerable:
        return
    decision = data.draw(decisions(prompt))
    body = presentation_body(prompt, decision)["anoncreds"]
    for referent, choice in decision.choices.items():
        sent = {**body["requested_attributes"], **body["requested_predicates"]}[referent]
        assert sent["cred_id"] == choice.credential_id
        if not choice.revealed:
            assert sent["revealed"] is False
    assert body["self_attested_attributes"] == {}


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(requests(), candidates(), st.data())
def test_disclosure_never_contains_attribute_values(
    request: dict[str, Any], found: list[dict[str, Any]], data: st.DataObject
) -> None:
    prompt = _prompt(request, found)
    if not prompt.answerable:
        return
    disclosure = disclosure_of(prompt, data.draw(decisions(prompt)))
    text = disclosure.model_dump_json()
    for candidate in found:
        for value in candidate["cred_info"]["attrs"].values():
            assert value not in text
    assert not re.search(r"\d{4}", text)


json_st = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)
key_st = st.sampled_from(
    ["requested_attributes", "requested_predicates", "name", "presentation_definition", "options"]
)


@settings(max_examples=300)
@given(st.sampled_from(["anoncreds", "indy", "dif"]), st.dictionaries(key_st, json_st))
def test_junk_requests_fail_only_with_a_clear_error(fmt: str, junk: dict[str, Any]) -> None:
    try:
        prompt = build_prompt(exchange_record({fmt: junk}), [], TRUST, "V", now=NOW)
    except HostileRequestError as error:
        assert str(error)
        return
    json.dumps(prompt.model_dump(mode="json"))

"""Proof request + candidate credentials + trust list -> the learner's consent prompt."""

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .anoncreds_items import anoncreds_items
from .credentials import CandidateSet, parse_candidates
from .dif_items import dif_items
from .models import CandidateView, ConsentPrompt, ItemKind, PickRule, PromptItem, Purpose
from .request import UNNAMED_REQUEST, ProofRequest
from .signing_key import signing_key_type
from .trust import TrustList, verifier_info
from .validation import over_asking, parse_request
from .wording import Words, say

MAX_TEXT = 500
NOT_A_WORD = re.compile(r"[\W_]+")


def build_prompt(
    request_record: Mapping[str, Any] | ProofRequest,
    candidates: Sequence[Mapping[str, Any]] | CandidateSet,
    trust_list: TrustList,
    connection_label: str | None,
    *,
    verifier_did: str | None = None,
    now: datetime | None = None,
) -> ConsentPrompt:
    """Build the prompt; raises ``HostileRequestError`` for requests never to answer.

    `request_record` is the exchange record, or the request `parse_request` already read
    from it (a caller that checked the request first need not parse it twice).
    """
    if isinstance(request_record, ProofRequest):
        request = request_record
    else:
        request = parse_request(request_record)
    found = candidates if isinstance(candidates, CandidateSet) else parse_candidates(candidates)
    items: list[PromptItem] = []
    if request.anoncreds:
        items += anoncreds_items(request.anoncreds, found.anoncreds, trust_list)
    if request.dif:
        dif = dif_items(request.dif, found.w3c, trust_list, now or datetime.now(UTC))
        items += with_newest_defaults(dif)
    rules = pick_rules(request)
    rule_errors = _rule_errors(items, rules)
    errors = _missing_errors(items) + [words.english for words in rule_errors]
    options = request.dif.options if request.dif else None
    return ConsentPrompt(
        exchange_id=request.exchange_id,
        connection_id=request.connection_id,
        verifier=verifier_info(connection_label, verifier_did, trust_list),
        purpose=_purpose(request),
        formats=request.formats,
        items=items,
        over_asking=over_asking(request),
        errors=errors,
        error_words=rule_errors,
        challenge=options.challenge if options else None,
        domain=options.domain if options else None,
        anoncreds_key=request.anoncreds_key,
        pick_rules=rules,
        signing_key_type=signing_key_type(request.dif.presentation_definition)
        if request.dif
        else "ed25519",
    )


def with_newest_defaults(items: list[PromptItem]) -> list[PromptItem]:
    """Default to the newest usable credential of each item (candidates come sorted so).

    Each W3C credential has its own subject DID (issuance/holder_did.py); credentials of
    different subjects go in one presentation signed by one of them (presentation.py).
    """
    return [
        item.model_copy(
            update={
                "default_credential_id": _id(next((v for v in item.candidates if v.usable), None))
            }
        )
        for item in items
    ]


def pick_rules(request: ProofRequest) -> list[PickRule]:
    """The ``pick`` submission requirements, resolved to descriptor ids."""
    if not request.dif:
        return []
    definition = request.dif.presentation_definition
    return [
        PickRule(
            group=rule.from_ or "",
            descriptor_ids=[d.id for d in definition.input_descriptors if rule.from_ in d.group],
            count=rule.count,
            min=rule.min,
            max=rule.max,
        )
        for rule in definition.submission_requirements or []
        if rule.rule == "pick"
    ]


def _missing_errors(items: list[PromptItem]) -> list[str]:
    return [
        item.missing.sentence
        for item in items
        if item.required and item.missing is not None and not item.self_attestable
    ]


def _rule_errors(items: list[PromptItem], rules: list[PickRule]) -> list[Words]:
    errors = []
    answerable = {
        i.referent for i in items if i.kind is ItemKind.INPUT_DESCRIPTOR and not i.missing
    }
    for rule in rules:
        possible = len(answerable & set(rule.descriptor_ids))
        if not any(rule.allows(n) for n in range(possible + 1)):
            errors.append(say("consent.engine.pick_rule", group=rule.group))
    return errors


def _purpose(request: ProofRequest) -> Purpose:
    """The request's name, the definition's purpose and the message's comment, apart; a
    purpose or comment that only repeats what comes before it is left out."""
    name = request.anoncreds.name if request.anoncreds else None
    purpose = None
    if request.dif:
        definition = request.dif.presentation_definition
        name = name or definition.name
        purpose = _text(definition.purpose)
    name = _text(name) or UNNAMED_REQUEST
    if purpose and _repeats(purpose, [name]):
        purpose = None
    comment = _text(request.comment)
    if comment and _repeats(comment, [name, purpose]):
        comment = None
    return Purpose(name=name, purpose=purpose, comment=comment)


def _text(value: str | None) -> str | None:
    return (value.strip()[:MAX_TEXT] or None) if value else None


def _repeats(text: str, said: list[str | None]) -> bool:
    """Whether `text` says nothing new: equal to, or words within, something already said
    (ignoring case, spacing and punctuation)."""
    mine = _words(text)
    return not mine.strip() or any(mine in _words(other) for other in said if other)


def _words(text: str) -> str:
    """`text` as its lower-case words between single spaces, with a space at each end."""
    return f" {' '.join(NOT_A_WORD.split(text.casefold())).strip()} "


def _id(view: CandidateView | None) -> str | None:
    return view.credential_id if view else None

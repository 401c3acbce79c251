"""Prompt items for an AnonCreds (or Indy) proof request: attributes, groups, predicates."""

import re

from wallet.credentials.titles import UNTITLED_ANONCREDS

from .credentials import AnonCredsCandidate
from .models import CandidateView, ItemKind, MissingCredential, PromptItem, ProvenFact, SharedValue
from .request import AnonCredsRequest, AttributeSpec, PredicateSpec
from .restrictions import attribute_value, fits, issuer_of, missing_for
from .trust import TrustList
from .wording import HIDE_WARNING, Words, human_name, is_sensitive, predicate_sentence, say

_INTEGER = re.compile(r"-?\d{1,18}")


def anoncreds_items(
    request: AnonCredsRequest, candidates: list[AnonCredsCandidate], trust_list: TrustList
) -> list[PromptItem]:
    """One item per requested attribute, attribute group and predicate."""
    items = [
        _attribute_item(referent, spec, candidates, trust_list)
        for referent, spec in request.requested_attributes.items()
    ]
    items += [
        _predicate_item(referent, spec, candidates, trust_list)
        for referent, spec in request.requested_predicates.items()
    ]
    return items


def _attribute_item(
    referent: str, spec: AttributeSpec, candidates: list[AnonCredsCandidate], trust: TrustList
) -> PromptItem:
    names = spec.attribute_names
    views = []
    for candidate in candidates:
        values = [attribute_value(candidate, name) for name in names]
        if any(v is None for v in values) or not fits(spec.restrictions, candidate, referent):
            continue
        will_see = [SharedValue(name=n, value=str(v)) for n, v in zip(names, values, strict=True)]
        views.append(_view(candidate, trust, will_see=will_see))
    single = spec.name is not None
    self_attestable = single and not any(spec.restrictions)
    usable = [v for v in views if v.usable]
    title = ", ".join(human_name(n) for n in names)
    return PromptItem(
        kind=ItemKind.ATTRIBUTE if single else ItemKind.ATTRIBUTE_GROUP,
        referent=referent,
        title=title,
        names=names,
        candidates=_newest_first(views, candidates),
        default_credential_id=_newest(usable, candidates),
        may_hide=single and bool(usable),
        hide_warning=HIDE_WARNING if single and usable else None,
        self_attestable=self_attestable,
        missing=None if usable or self_attestable else missing_for(title, spec.restrictions, trust),
        sensitive_names=[n for n in names if is_sensitive(n)],
    )


def _predicate_item(
    referent: str, spec: PredicateSpec, candidates: list[AnonCredsCandidate], trust: TrustList
) -> PromptItem:
    fact = ProvenFact(
        name=spec.name,
        p_type=spec.p_type,
        p_value=spec.p_value,
        sentence=predicate_sentence(spec.name, spec.p_type, spec.p_value),
        words=human_name(spec.name),
    )
    views = []
    for candidate in candidates:
        value = attribute_value(candidate, spec.name)
        if value is None or not fits(spec.restrictions, candidate, referent):
            continue
        problem = _predicate_problem(spec, value)
        views.append(_view(candidate, trust, proven=[fact], problem=problem))
    usable = [v for v in views if v.usable]
    return PromptItem(
        kind=ItemKind.PREDICATE,
        referent=referent,
        title=human_name(spec.name),
        names=[spec.name],
        candidates=_newest_first(views, candidates),
        default_credential_id=_newest(usable, candidates),
        predicate=fact,
        missing=None if usable else _predicate_missing(spec, views, trust),
    )


def _predicate_problem(spec: PredicateSpec, value: str) -> Words | None:
    if not _INTEGER.fullmatch(value.strip()):
        return say("consent.engine.not_whole_number", field=spec.name)
    if not _holds(int(value), spec.p_type, spec.p_value):
        return say("consent.engine.condition_not_met", field=spec.name, value=value)
    return None


def _holds(value: int, p_type: str, bound: int) -> bool:
    return {
        ">=": value >= bound,
        ">": value > bound,
        "<=": value <= bound,
        "<": value < bound,
    }[p_type]


def _predicate_missing(
    spec: PredicateSpec, views: list[CandidateView], trust: TrustList
) -> MissingCredential:
    missing = missing_for(
        predicate_sentence(spec.name, spec.p_type, spec.p_value), spec.restrictions, trust
    )
    said = {w.english: w for v in views for w in v.reason_words}
    reasons = sorted(said)
    if not reasons:
        return missing
    sentence = f"{missing.sentence} ({'; '.join(reasons)})"
    update = {"sentence": sentence, "reasons": reasons, "reason_words": [said[r] for r in reasons]}
    return missing.model_copy(update=update)


def _view(
    candidate: AnonCredsCandidate,
    trust: TrustList,
    will_see: list[SharedValue] | None = None,
    proven: list[ProvenFact] | None = None,
    problem: Words | None = None,
) -> CandidateView:
    issuer = issuer_of(candidate.cred_info.cred_def_id)
    revoked = say("consent.engine.revoked") if candidate.revoked else None
    reasons = [r for r in (problem, revoked) if r]
    return CandidateView(
        credential_id=candidate.credential_id,
        format="anoncreds",
        title=_title(candidate),
        issuer_id=issuer,
        issuer=trust.lookup(issuer, "issuer"),
        usable=not reasons,
        reasons=[r.english for r in reasons],
        reason_words=reasons,
        will_see=will_see or [],
        only_proven=proven or [],
    )


def _title(candidate: AnonCredsCandidate) -> str:
    parts = candidate.cred_info.schema_id.split(":")
    if len(parts) == 4 and parts[1] == "2":
        return f"{parts[2]} {parts[3]}"
    return UNTITLED_ANONCREDS


def _newest(usable: list[CandidateView], candidates: list[AnonCredsCandidate]) -> str | None:
    """The last candidate given is taken as the newest: cred_info carries no issue date.

    True for the wallet's index (protocols/presentation/anoncreds_index.py), which lists
    AnonCreds credentials oldest first by arrival. ACA-Py's route, used when the index
    cannot answer, lists them in its store's scan order, which is not arrival order.
    """
    ordered = _newest_first(usable, candidates)
    return ordered[0].credential_id if ordered else None


def _newest_first(
    views: list[CandidateView], candidates: list[AnonCredsCandidate]
) -> list[CandidateView]:
    position = {c.credential_id: c.position for c in candidates}
    return sorted(views, key=lambda v: (not v.usable, -position.get(v.credential_id, 0)))

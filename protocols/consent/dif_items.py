"""Prompt items for a DIF Presentation Exchange request, one per input descriptor."""

from datetime import datetime

from wallet.credentials.titles import type_title

from .credentials import W3CCandidate
from .dif_match import FieldMatch, as_text, credential_leaves, match_fields, matches_schema
from .guidance import issuer_hints, kinds_sentence, type_label
from .jsonpath import parse_path
from .models import CandidateView, ItemKind, MissingCredential, PromptItem, SharedValue
from .request import DifRequest, InputDescriptor
from .trust import TrustList
from .wording import (
    SELECTIVE,
    WHOLE_CREDENTIAL,
    WHOLE_NOT_LIMITED,
    Words,
    is_sensitive,
    say,
)

ALWAYS_DISCLOSED = (
    "id",
    "type",
    "issuer",
    "issuanceDate",
    "credentialSubject.id",
    "credentialSubject.type",
)
ISSUER_PATHS = frozenset({"$.issuer", "$.issuer.id", "$['issuer']", "$['issuer']['id']"})
_ALWAYS_BELOW = tuple(f"{key}{mark}" for key in ALWAYS_DISCLOSED for mark in (".", "["))


def dif_items(
    request: DifRequest, candidates: list[W3CCandidate], trust: TrustList, now: datetime
) -> list[PromptItem]:
    """One item per input descriptor, each listing the credentials that satisfy it."""
    definition = request.presentation_definition
    optional = _optional_descriptors(request)
    items = []
    for descriptor in definition.input_descriptors:
        views = [
            view
            for candidate in candidates
            if (view := _view(descriptor, candidate, definition.proof_types, trust, now))
        ]
        views.sort(key=lambda v: (not v.usable, -(v.issued.timestamp() if v.issued else 0)))
        names = [_field_name(f.path[0]) for f in descriptor.constraints.fields]
        title = descriptor.name or descriptor.id
        items.append(
            PromptItem(
                kind=ItemKind.INPUT_DESCRIPTOR,
                referent=descriptor.id,
                title=title,
                names=names,
                purpose=descriptor.purpose,
                required=descriptor.id not in optional,
                candidates=views,
                selective=descriptor.constraints.selective,
                missing=None if any(v.usable for v in views) else _missing(descriptor, trust),
                sensitive_names=[n for n in names if is_sensitive(n)],
            )
        )
    return items


def _view(
    descriptor: InputDescriptor,
    candidate: W3CCandidate,
    proof_types: list[str] | None,
    trust: TrustList,
    now: datetime,
) -> CandidateView | None:
    if not matches_schema(descriptor, candidate):
        return None
    matches = match_fields(descriptor, candidate)
    if matches is None:
        return None
    if descriptor.constraints.subject_is_issuer == "required" and (
        candidate.issuer_id not in candidate.subject_ids
    ):
        return None
    selective = descriptor.constraints.selective
    derived = selective and candidate.is_bbs
    problems = _problems(candidate, selective, proof_types, now)
    statement = (
        SELECTIVE if derived else WHOLE_NOT_LIMITED if candidate.is_bbs else WHOLE_CREDENTIAL
    )
    return CandidateView(
        credential_id=candidate.record_id,
        format="w3c",
        title=_title(candidate),
        issuer_id=candidate.issuer_id,
        issuer=trust.lookup(candidate.issuer_id, "issuer"),
        issued=candidate.date("issuanceDate", "validFrom"),
        subject_ids=candidate.subject_ids,
        usable=not problems,
        reasons=[problem.english for problem in problems],
        reason_words=problems,
        will_see=_selected(candidate, matches) if derived else _whole(candidate),
        whole_credential=not derived,
        linkable="fixed_ids" if derived else "whole",
        statement=statement.english,
        statement_words=statement,
    )


def _problems(
    candidate: W3CCandidate, selective: bool, proof_types: list[str] | None, now: datetime
) -> list[Words]:
    problems = []
    if candidate.revoked:
        problems.append(say("consent.engine.revoked"))
    expires = candidate.date("expirationDate", "validUntil")
    if expires and expires < now:
        problems.append(say("consent.engine.expired", date=expires.date().isoformat()))
    starts = candidate.date("validFrom")
    if starts and starts > now:
        problems.append(say("consent.engine.not_yet_valid"))
    if selective and not candidate.is_bbs:
        problems.append(say("consent.engine.cannot_select"))
    elif proof_types is not None and not set(candidate.proof_types) & set(proof_types):
        problems.append(say("consent.engine.signature_not_accepted"))
    # No subject id: requested as offered (issuance/binding.py), a fresh DID signs. A subject
    # that is not a DID (an e-mail, a urn) is somebody the wallet cannot speak for.
    if candidate.subject_ids and not [s for s in candidate.subject_ids if s.startswith("did:")]:
        problems.append(say("consent.engine.not_bound"))
    return problems


def _selected(candidate: W3CCandidate, matches: list[FieldMatch]) -> list[SharedValue]:
    """A derived BBS proof shows the matched fields plus what ACA-Py always discloses."""
    seen = {m.name: as_text(m.value) for m in matches}
    leaves = dict(credential_leaves(candidate.credential))
    always = [
        SharedValue(name=name, value=value, always_disclosed=True)
        for name, value in leaves.items()
        if _always(name) and name not in seen
    ]
    return [SharedValue(name=n, value=v) for n, v in seen.items()] + always


def _whole(candidate: W3CCandidate) -> list[SharedValue]:
    return [SharedValue(name=n, value=v) for n, v in credential_leaves(candidate.credential)]


def _always(name: str) -> bool:
    return name in ALWAYS_DISCLOSED or name.startswith(_ALWAYS_BELOW)


def _title(candidate: W3CCandidate) -> str:
    """From the type, not the ``name`` field, so history never holds a credential value."""
    return type_title(candidate.types)


def _field_name(path: str) -> str:
    return parse_path(path).leaf_name


def _missing(descriptor: InputDescriptor, trust: TrustList) -> MissingCredential:
    """Named by the descriptor's name (else purpose, else its types in words) and by the
    issuers its fields pin down; the type URIs and DIDs are the technical details."""
    what = descriptor.name or descriptor.id
    kinds = [u for u in descriptor.schema_uris if not u.endswith("#VerifiableCredential")]
    named = [descriptor.name] if descriptor.name else []
    labels = named or [label for u in kinds if (label := type_label(u))]
    issuers = _wanted_issuers(descriptor)
    hints = issuer_hints(issuers, trust)
    sentence = f"You have no credential that can answer '{what}'."
    guidance = kinds_sentence(hints, [] if named else list(dict.fromkeys(labels)))
    if not labels and descriptor.purpose:
        guidance = f"The verifier says: {descriptor.purpose} {guidance}".strip()
    return MissingCredential(
        sentence=f"{sentence} {guidance}".strip(),
        issuers=hints,
        kinds=list(dict.fromkeys(labels)) or ([descriptor.purpose] if descriptor.purpose else []),
        issuer_dids=issuers,
        schema_ids=kinds,
    )


def _wanted_issuers(descriptor: InputDescriptor) -> list[str]:
    """DIDs a field on `issuer` (or `issuer.id`) pins with `const` or `enum`."""
    found: list[str] = []
    for field in descriptor.constraints.fields:
        if not field.filter or not any(p in ISSUER_PATHS for p in field.path):
            continue
        values = [field.filter.const, *(field.filter.enum or [])]
        found += [v for v in values if isinstance(v, str) and v.startswith("did:")]
    return list(dict.fromkeys(found))


def _optional_descriptors(request: DifRequest) -> set[str]:
    """Descriptors only reachable through ``pick`` rules may be left out."""
    definition = request.presentation_definition
    rules = definition.submission_requirements
    if not rules:
        return set()
    required_groups = {r.from_ for r in rules if r.rule == "all"}
    return {d.id for d in definition.input_descriptors if not set(d.group) & required_groups}

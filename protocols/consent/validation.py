"""The boundary: turn an exchange record into a ``ProofRequest`` or refuse it clearly.

A proof request comes from a stranger. Anything this wallet cannot answer safely
(huge requests, unknown formats, unparseable paths, impossible proof types) is refused
here with a ``HostileRequestError`` whose message the learner can read; nothing is sent.
"""

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .credentials import BBS_PROOF
from .jsonpath import JsonPathError, parse_path
from .models import OverAsking
from .request import AnonCredsKey, AnonCredsRequest, DifRequest, ProofRequest
from .wording import Words, is_sensitive, say

MAX_ITEMS = 100
MAX_NAMES = 100
MAX_NAME_LENGTH = 100
MAX_PATTERN_LENGTH = 100
MANY_ATTRIBUTES = 10
KNOWN_FORMATS = ("anoncreds", "indy", "dif")
SUPPORTED_DIF_FORMATS = frozenset({"ldp_vp", "ldp_vc", "ldp"})
KNOWN_PROOF_TYPES = frozenset(
    {BBS_PROOF, "Ed25519Signature2018", "Ed25519Signature2020", "EcdsaSecp256r1Signature2019"}
)
_NESTED_QUANTIFIER = re.compile(r"\([^)]*[+*}][^)]*\)\s*[+*{]")


class HostileRequestError(ValueError):
    """A request the wallet refuses to answer: `words` for the learner (in their language),
    the English message for the JSON API and the log."""

    def __init__(self, key: str, detail: str | None = None, **params: str | int) -> None:
        self.words = say(key, detail, **params)
        super().__init__(self.words.english)

    @classmethod
    def of(cls, words: Words) -> "HostileRequestError":
        """The refusal another process decided (the prompt-inputs plugin), as if raised here."""
        return cls(words.key, words.detail, **words.params)


def parse_request(record: Mapping[str, Any], *, checked: bool = False) -> ProofRequest:
    """Read a present-proof v2 exchange record (``GET /present-proof-2.0/records/{id}``).

    `checked`: the prompt-inputs plugin inside ACA-Py already ran `check_request` on this
    very record, so it is not run twice.
    """
    by_format = (record.get("by_format") or {}).get("pres_request") or {}
    if not isinstance(by_format, Mapping) or not by_format:
        raise HostileRequestError("consent.engine.refused.unreadable")
    unknown = sorted(str(key) for key in by_format if key not in KNOWN_FORMATS)
    if unknown:
        raise HostileRequestError(
            "consent.engine.refused.unknown_format", formats=", ".join(unknown)
        )
    key: AnonCredsKey | None = (
        "anoncreds" if "anoncreds" in by_format else "indy" if "indy" in by_format else None
    )
    message = record.get("pres_request") or {}
    try:
        request = ProofRequest(
            exchange_id=str(record.get("pres_ex_id", "")),
            connection_id=record.get("connection_id"),
            comment=message.get("comment") if isinstance(message, Mapping) else None,
            anoncreds=AnonCredsRequest.model_validate(by_format[key]) if key else None,
            anoncreds_key=key,
            dif=DifRequest.model_validate(by_format["dif"]) if "dif" in by_format else None,
        )
    except ValidationError as error:
        raise HostileRequestError("consent.engine.refused.malformed", _unreadable(error)) from error
    if not checked:
        check_request(request)
    return request


def check_request(request: ProofRequest) -> None:
    """Refuse requests that are too large or that no honest answer could satisfy."""
    count = _item_count(request)
    if count == 0:
        raise HostileRequestError("consent.engine.refused.empty")
    if count > MAX_ITEMS:
        raise HostileRequestError(
            "consent.engine.refused.too_many_items", count=count, limit=MAX_ITEMS
        )
    if request.anoncreds:
        _check_anoncreds(request.anoncreds)
    if request.dif:
        _check_dif(request.dif)
    if request.anoncreds and request.dif:
        shared = set(request.anoncreds.requested_attributes) | set(
            request.anoncreds.requested_predicates
        )
        clash = shared & {d.id for d in request.dif.presentation_definition.input_descriptors}
        if clash:
            raise HostileRequestError("consent.engine.refused.reused_ids", ", ".join(sorted(clash)))


def over_asking(request: ProofRequest) -> OverAsking:
    """Flag many revealed attributes or sensitive ones (predicates reveal nothing)."""
    names = revealed_names(request)
    sensitive = sorted({n for n in names if is_sensitive(n)})
    too_many = len(names) > MANY_ATTRIBUTES
    messages = []
    if too_many:
        messages.append(
            f"The verifier asks to see {len(names)} pieces of information; most checks "
            f"need far fewer."
        )
    if sensitive:
        messages.append(
            "The verifier asks for sensitive information: " + ", ".join(sensitive) + "."
        )
    return OverAsking(
        attribute_count=len(names), too_many=too_many, sensitive=sensitive, messages=messages
    )


def revealed_names(request: ProofRequest) -> list[str]:
    """Every attribute name or DIF field name the verifier asks to see."""
    names: list[str] = []
    if request.anoncreds:
        for spec in request.anoncreds.requested_attributes.values():
            names.extend(spec.attribute_names)
    if request.dif:
        for descriptor in request.dif.presentation_definition.input_descriptors:
            for field in descriptor.constraints.fields:
                names.append(parse_path(field.path[0]).leaf_name)
    return names


def _check_anoncreds(request: AnonCredsRequest) -> None:
    names = [n for s in request.requested_attributes.values() for n in s.attribute_names]
    names += [p.name for p in request.requested_predicates.values()]
    if len(names) > MAX_NAMES:
        raise HostileRequestError(
            "consent.engine.refused.too_many_names", count=len(names), limit=MAX_NAMES
        )
    for name in names:
        if not name.strip() or len(name) > MAX_NAME_LENGTH:
            raise HostileRequestError("consent.engine.refused.bad_name")


def _check_dif(request: DifRequest) -> None:
    definition = request.presentation_definition
    unsupported = sorted(set(definition.format or {}) - SUPPORTED_DIF_FORMATS)
    if unsupported and not set(definition.format or {}) & SUPPORTED_DIF_FORMATS:
        raise HostileRequestError(
            "consent.engine.refused.dif_format", formats=", ".join(unsupported)
        )
    proof_types = definition.proof_types
    if proof_types is not None and not set(proof_types) & KNOWN_PROOF_TYPES:
        raise HostileRequestError("consent.engine.refused.proof_types", ", ".join(proof_types))
    ids = [d.id for d in definition.input_descriptors]
    if len(ids) != len(set(ids)):
        raise HostileRequestError("consent.engine.refused.repeated_part")
    for descriptor in definition.input_descriptors:
        selective = descriptor.constraints.selective
        if selective and proof_types is not None and BBS_PROOF not in proof_types:
            raise HostileRequestError(
                "consent.engine.refused.selective_without_bbs",
                part=descriptor.name or descriptor.id,
            )
        _check_fields(descriptor.constraints.fields)
    _check_requirements(request)


def _check_fields(fields: list[Any]) -> None:
    if len(fields) > MAX_NAMES:
        raise HostileRequestError("consent.engine.refused.too_many_fields", count=len(fields))
    for field in fields:
        if not field.path:
            raise HostileRequestError("consent.engine.refused.no_path")
        for path in field.path:
            try:
                parsed = parse_path(path)
            except JsonPathError as error:
                raise HostileRequestError("consent.engine.refused.bad_path", str(error)) from error
            if parsed.segments and parsed.segments[0] == "proof":
                raise HostileRequestError("consent.engine.refused.asks_for_proof")
        pattern = field.filter.pattern if field.filter else None
        if pattern is not None:
            _check_pattern(pattern)


def _check_pattern(pattern: str) -> None:
    """Verifier-supplied regexes run on the learner's data: keep them small and tame."""
    if len(pattern) > MAX_PATTERN_LENGTH or _NESTED_QUANTIFIER.search(pattern):
        raise HostileRequestError("consent.engine.refused.pattern")
    try:
        re.compile(pattern)
    except re.error as error:
        raise HostileRequestError("consent.engine.refused.bad_pattern") from error


def _check_requirements(request: DifRequest) -> None:
    definition = request.presentation_definition
    groups = {g for d in definition.input_descriptors for g in d.group}
    for requirement in definition.submission_requirements or []:
        if requirement.from_nested is not None or requirement.from_ is None:
            raise HostileRequestError("consent.engine.refused.nested_rules")
        if requirement.from_ not in groups:
            raise HostileRequestError(
                "consent.engine.refused.unknown_group", str(requirement.from_)
            )


def _item_count(request: ProofRequest) -> int:
    count = 0
    if request.anoncreds:
        count += len(request.anoncreds.requested_attributes)
        count += len(request.anoncreds.requested_predicates)
    if request.dif:
        count += len(request.dif.presentation_definition.input_descriptors)
    return count


def _unreadable(error: ValidationError) -> str:
    details = error.errors()
    where = ".".join(str(p) for p in details[0]["loc"])[:120] if details else ""
    reason = str(details[0]["msg"])[:160] if details else "invalid"
    return f"{where}: {reason}"

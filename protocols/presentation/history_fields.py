"""Which fields of each credential an answer showed, and which stayed hidden: names only.

A BBS derived proof or an AnonCreds presentation shows part of a credential; the history
should say later which part stayed with the learner (issue #18), not only what went out.
What was shown comes from the prompt the learner approved; what stayed hidden is the rest
of the credential's field names, read from ACA-Py when the learner approves
(credential_fields.py). Values never enter here (DESIGN §8).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from protocols.consent import ConsentDecision, ConsentPrompt, ItemChoice, ItemKind, PromptItem
from protocols.consent.presentation import chosen, view_of
from protocols.consent.restrictions import canon

SUBJECT = "credentialSubject."
CredentialFormat = Literal["anoncreds", "w3c"]


@dataclass
class Shown:
    """What the verifier saw of one credential, as the prompt named it."""

    format: CredentialFormat
    names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FieldSplit:
    """One credential's field names for history: seen by the verifier, or kept hidden."""

    shared: list[str]
    hidden: list[str] | None  # None: the credential's own fields could not be read


def shown_by_credential(prompt: ConsentPrompt, decision: ConsentDecision) -> dict[str, Shown]:
    """Per credential used (ACA-Py id), the names it showed; raises ``DecisionError``."""
    answered = chosen(prompt, decision)
    shown: dict[str, Shown] = {}
    for item in prompt.items:
        choice = answered.get(item.referent)
        if choice is None or choice.self_attested_value is not None:
            continue
        view = view_of(item, choice)
        if view is None:
            continue
        use = shown.setdefault(view.credential_id, Shown(format=view.format))
        use.names.extend(_names_shown(item, choice, [s.name for s in view.will_see]))
    return shown


def _names_shown(item: PromptItem, choice: ItemChoice, will_see: list[str]) -> list[str]:
    """A predicate shows no value; a DIF item shows what its candidate announced."""
    if item.predicate is not None:
        return []
    if item.kind is ItemKind.INPUT_DESCRIPTOR:
        return will_see
    if choice.revealed or item.kind is ItemKind.ATTRIBUTE_GROUP:
        return list(item.names)
    return []


def split_fields(shown: Shown, fields: list[str] | None) -> FieldSplit:
    """The credential's fields (``fields``, all of them) split into shown and hidden."""
    if shown.format == "anoncreds":
        return _split_anoncreds(shown.names, fields)
    return _split_w3c(shown.names, fields)


def _split_anoncreds(shown: list[str], fields: list[str] | None) -> FieldSplit:
    """AnonCreds names compare without case or spaces; the credential's spelling is kept."""
    if fields is None:
        return FieldSplit(shared=_unique(shown), hidden=None)
    spelled = {canon(name): name for name in fields}
    seen = {canon(name) for name in shown}
    return FieldSplit(
        shared=_unique(spelled.get(canon(name), name) for name in shown),
        hidden=[name for name in fields if canon(name) not in seen],
    )


def _split_w3c(shown: list[str], fields: list[str] | None) -> FieldSplit:
    """Dotted names as the prompt spells them, shown without ``credentialSubject.``."""
    label = _labels([*shown, *(fields or [])])
    shared = _unique(shown)
    if fields is None:
        return FieldSplit(shared=[label[n] for n in shared], hidden=None)
    seen = set(shared)
    hidden = [label[n] for n in _unique(fields) if n not in seen]
    return FieldSplit(shared=[label[n] for n in shared], hidden=hidden)


def _labels(names: list[str]) -> dict[str, str]:
    """`credentialSubject.provider` reads as `provider`, unless that name is taken
    (`credentialSubject.id` beside the credential's own `id` keeps its full name)."""
    short = {name: name.removeprefix(SUBJECT) for name in dict.fromkeys(names)}
    taken = Counter(short.values())
    return {name: s if taken[s] == 1 else name for name, s in short.items()}


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))

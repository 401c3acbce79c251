"""What a presentation shared, for history: attribute names, never their values (DESIGN §8)."""

from collections.abc import Iterable

from .models import (
    CandidateView,
    ConsentDecision,
    ConsentPrompt,
    CredentialUse,
    Disclosure,
    ItemKind,
    PromptItem,
)
from .presentation import chosen, view_of
from .wording import predicate_label


def disclosure_of(prompt: ConsentPrompt, decision: ConsentDecision) -> Disclosure:
    """Summarise an approved decision; raises ``DecisionError`` if it does not fit."""
    answered = chosen(prompt, decision)
    revealed: list[str] = []
    hidden: list[str] = []
    predicates: list[str] = []
    typed: list[str] = []
    uses: dict[str, CredentialUse] = {}
    for item in prompt.items:
        choice = answered.get(item.referent)
        if choice is None:
            continue
        if choice.self_attested_value is not None:
            typed.extend(item.names)
            continue
        view = view_of(item, choice)
        assert view is not None
        if item.predicate is not None:
            p = item.predicate
            predicates.append(predicate_label(p.name, p.p_type, p.p_value))
        elif item.kind is ItemKind.INPUT_DESCRIPTOR:
            revealed.extend(shared.name for shared in view.will_see)
        elif choice.revealed or item.kind is ItemKind.ATTRIBUTE_GROUP:
            revealed.extend(item.names)
        else:
            hidden.extend(item.names)
        _record_use(uses, view, item)
    return Disclosure(
        exchange_id=prompt.exchange_id,
        verifier_label=prompt.verifier.label,
        verifier_did=prompt.verifier.did,
        request_name=prompt.purpose.name,
        revealed=_unique(revealed),
        hidden=_unique(n for n in hidden if n not in revealed),
        predicates=_unique(predicates),
        self_attested=_unique(typed),
        credentials=list(uses.values()),
    )


def _record_use(uses: dict[str, CredentialUse], view: CandidateView, item: PromptItem) -> None:
    known = uses.get(view.credential_id)
    if known is None:
        uses[view.credential_id] = CredentialUse(
            credential_id=view.credential_id,
            format=view.format,
            title=view.title,
            issuer_id=view.issuer_id,
            items=[item.referent],
            whole_credential=view.whole_credential,
        )
    else:
        uses[view.credential_id] = known.model_copy(update={"items": [*known.items, item.referent]})


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))

"""Prompt + the learner's decision -> the exact ``send-presentation`` body for ACA-Py.

The body always names every item explicitly: for DIF, a descriptor missing from
``record_ids`` makes ACA-Py 1.7 use every matching credential, so skipped descriptors
get an empty list. Timestamps are left to ACA-Py, which derives them from the request's
``non_revoked`` intervals.
"""

from typing import Any

from .models import (
    CandidateView,
    ConsentDecision,
    ConsentPrompt,
    ItemChoice,
    ItemKind,
    PromptItem,
)

MAX_SELF_ATTESTED = 1000
# The multibase start of a did:key for each key type (multicodec ed25519-pub, bls12_381-g2-pub,
# p256-pub).
DID_KEY_PREFIXES = {"z6Mk": "ed25519", "zUC7": "bls12381g2", "zDn": "p256"}


class DecisionError(ValueError):
    """A decision that does not fit its prompt; the message is for the learner."""


def default_decision(prompt: ConsentPrompt) -> ConsentDecision:
    """Newest valid credential per item, everything revealed, optional picks minimal."""
    choices = {
        item.referent: ItemChoice(credential_id=item.default_credential_id)
        for item in prompt.items
        if item.default_credential_id
    }
    for rule in prompt.pick_rules:
        answered = [d for d in rule.descriptor_ids if d in choices]
        for extra in answered[rule.target :]:
            item = prompt.item(extra)
            if item is not None and not item.required:
                del choices[extra]
    return ConsentDecision(choices=choices)


def check_decision(prompt: ConsentPrompt) -> None:
    """Refuse to answer a prompt that carries errors."""
    if not prompt.answerable:
        raise DecisionError(f"This request cannot be answered: {prompt.errors[0]}")


def chosen(prompt: ConsentPrompt, decision: ConsentDecision) -> dict[str, ItemChoice]:
    """The validated choices of the items that are answered; raises ``DecisionError``."""
    check_decision(prompt)
    for referent in decision.choices:
        if prompt.item(referent) is None:
            raise DecisionError(f"The answer mentions '{referent}', which was not asked for.")
    answered: dict[str, ItemChoice] = {}
    for item in prompt.items:
        choice = decision.choices.get(item.referent)
        if choice is None or (choice.credential_id is None and choice.self_attested_value is None):
            if item.required:
                raise DecisionError(_unanswered(item))
            continue
        choice = _with_prompt_id(item, choice)
        _check_choice(item, choice)
        answered[item.referent] = choice
    _check_picks(prompt, answered)
    return answered


def _with_prompt_id(item: PromptItem, choice: ItemChoice) -> ItemChoice:
    """A choice may name a credential as the rest of the wallet does (`w3c:<id>`, see
    `CandidateView.stored_id`); the body needs ACA-Py's own id."""
    wanted = choice.credential_id
    if wanted is None or any(c.credential_id == wanted for c in item.candidates):
        return choice
    same = next((c for c in item.candidates if c.stored_id == wanted), None)
    return choice.model_copy(update={"credential_id": same.credential_id}) if same else choice


def presentation_body(prompt: ConsentPrompt, decision: ConsentDecision) -> dict[str, Any]:
    """The JSON body for ``POST /present-proof-2.0/records/{id}/send-presentation``."""
    answered = chosen(prompt, decision)
    body: dict[str, Any] = {}
    if prompt.anoncreds_key:
        body[prompt.anoncreds_key] = _anoncreds_spec(prompt, answered)
    if "dif" in prompt.formats:
        record_ids = {
            item.referent: [answered[item.referent].credential_id]
            if item.referent in answered
            else []
            for item in prompt.items
            if item.kind is ItemKind.INPUT_DESCRIPTOR
        }
        body["dif"] = {"record_ids": record_ids}
        signer = _presentation_signer(prompt, answered)
        if signer:
            body["dif"]["issuer_id"] = signer
    return body


def _presentation_signer(prompt: ConsentPrompt, answered: dict[str, ItemChoice]) -> str | None:
    """The DID to sign a DIF presentation with when ACA-Py would not pick a fitting one.

    Each W3C credential has its own subject DID (unlinkable by default), or none when it
    was requested as offered (issuance/binding.py), and ACA-Py signs a presentation with one
    key, of the type its proof needs: on its own it refuses credentials of different
    subjects and leaves out those with none. So the first subject DID with a fitting key
    signs; the verifier sees every chosen credential anyway. None when one fitting subject
    DID is common to all (ACA-Py finds it itself), or when no chosen credential has a
    fitting one (`needs_fresh_signer`).
    """
    subjects = _chosen_subjects(prompt, answered)
    if not subjects:
        return None
    common = set.intersection(*(set(ids) for ids in subjects))
    if any(_fits(did, prompt.signing_key_type) for did in common):
        return None
    fitting = (did for ids in subjects for did in ids if _fits(did, prompt.signing_key_type))
    return next(fitting, None)


def needs_fresh_signer(prompt: ConsentPrompt, decision: ConsentDecision) -> bool:
    """A DIF presentation with no subject DID that can sign it: a fresh did:key signs it."""
    subjects = _chosen_subjects(prompt, chosen(prompt, decision))
    return bool(subjects) and not any(
        _fits(did, prompt.signing_key_type) for ids in subjects for did in ids
    )


def _fits(did: str, key_type: str) -> bool:
    """A did:key names its key type in its first characters; other DIDs are left to ACA-Py."""
    if not did.startswith("did:key:"):
        return True
    found = next((t for p, t in DID_KEY_PREFIXES.items() if did[8:].startswith(p)), None)
    return found is None or found == key_type


def _chosen_subjects(prompt: ConsentPrompt, answered: dict[str, ItemChoice]) -> list[list[str]]:
    """The subject DIDs of each chosen W3C credential, in the prompt's order."""
    return [
        [s for s in view.subject_ids if s.startswith("did:")]
        for item in prompt.items
        if item.kind is ItemKind.INPUT_DESCRIPTOR
        and (choice := answered.get(item.referent)) is not None
        and (view := view_of(item, choice)) is not None
    ]


def view_of(item: PromptItem, choice: ItemChoice) -> CandidateView | None:
    """The candidate a validated choice points at (None for a typed value)."""
    return item.candidate(choice.credential_id) if choice.credential_id else None


def _anoncreds_spec(prompt: ConsentPrompt, answered: dict[str, ItemChoice]) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    predicates: dict[str, Any] = {}
    typed: dict[str, str] = {}
    for item in prompt.items:
        choice = answered.get(item.referent)
        if choice is None or item.kind is ItemKind.INPUT_DESCRIPTOR:
            continue
        if choice.self_attested_value is not None:
            typed[item.referent] = choice.self_attested_value
        elif item.kind is ItemKind.PREDICATE:
            predicates[item.referent] = {"cred_id": choice.credential_id}
        else:
            revealed = choice.revealed or item.kind is ItemKind.ATTRIBUTE_GROUP
            attributes[item.referent] = {"cred_id": choice.credential_id, "revealed": revealed}
    return {
        "requested_attributes": attributes,
        "requested_predicates": predicates,
        "self_attested_attributes": typed,
    }


def _check_choice(item: PromptItem, choice: ItemChoice) -> None:
    if choice.self_attested_value is not None:
        _check_typed(item, choice)
        return
    credential_id = choice.credential_id or ""
    if item.candidate(credential_id) is None:
        known = next((c for c in item.candidates if c.credential_id == credential_id), None)
        why = f": {'; '.join(known.reasons)}" if known and known.reasons else ""
        raise DecisionError(f"That credential cannot answer '{item.title}'{why}.")
    if not choice.revealed and not item.may_hide:
        raise DecisionError(_cannot_hide(item))


def _check_typed(item: PromptItem, choice: ItemChoice) -> None:
    value = choice.self_attested_value or ""
    if not item.self_attestable:
        raise DecisionError(f"'{item.title}' must come from a credential; it cannot be typed in.")
    if choice.credential_id is not None:
        raise DecisionError(f"Answer '{item.title}' with a credential or a typed value, not both.")
    if not value.strip() or len(value) > MAX_SELF_ATTESTED:
        raise DecisionError(
            f"Type a value for '{item.title}' (at most {MAX_SELF_ATTESTED} characters)."
        )
    if not choice.revealed:
        raise DecisionError(f"A typed value for '{item.title}' is always shown to the verifier.")


def _check_picks(prompt: ConsentPrompt, answered: dict[str, ItemChoice]) -> None:
    for rule in prompt.pick_rules:
        count = sum(d in answered for d in rule.descriptor_ids)
        if not rule.allows(count):
            raise DecisionError(
                f"The verifier asks you to pick a different number of credentials from "
                f"'{rule.group}' (you chose {count})."
            )


def _unanswered(item: PromptItem) -> str:
    if item.missing is not None and not item.self_attestable:
        return item.missing.sentence
    if item.self_attestable:
        return f"Choose a credential or type a value for '{item.title}'."
    return f"Choose a credential for '{item.title}'."


def _cannot_hide(item: PromptItem) -> str:
    if item.kind is ItemKind.PREDICATE:
        return f"'{item.title}' is only proven, never shown; there is nothing to hide."
    if item.kind is ItemKind.ATTRIBUTE_GROUP:
        return f"'{item.title}' is a group of attributes, which AnonCreds always reveals."
    return f"'{item.title}' cannot be hidden: the verifier sees what its credential shares."

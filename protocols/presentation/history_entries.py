"""History entries from the learner's answers: names, predicates and titles, never values."""

from __future__ import annotations

from collections.abc import Mapping

from protocols.consent import ConsentDecision, ConsentPrompt, VerifierInfo, disclosure_of
from protocols.presentation.history_fields import FieldSplit, shown_by_credential, split_fields
from protocols.presentation.pending import PendingRequest
from wallet.history import HistoryEntry, HistoryVerifier, UsedCredential


def approval_entry(
    prompt: ConsentPrompt,
    decision: ConsentDecision,
    fields: Mapping[str, list[str]] | None = None,
) -> HistoryEntry:
    """What an approved decision shares and, given each used credential's field names
    (`fields`, by ACA-Py id), what of it stays hidden; raises ``DecisionError``."""
    shared = disclosure_of(prompt, decision)
    split = field_splits(prompt, decision, fields or {})
    return HistoryEntry(
        exchange_id=prompt.exchange_id,
        outcome="approved",
        verifier=history_verifier(prompt.verifier),
        request_name=shared.request_name,
        purpose=prompt.purpose.said,
        credentials=[
            UsedCredential(
                id=use.credential_id,
                title=use.title,
                format=use.format,
                issuer_id=use.issuer_id,
                whole_credential=use.whole_credential,
                items=use.items,
                shared=split[use.credential_id].shared,
                hidden=split[use.credential_id].hidden,
            )
            for use in shared.credentials
        ],
        revealed=shared.revealed,
        hidden=shared.hidden,
        predicates=shared.predicates,
        self_attested=shared.self_attested,
    )


def field_splits(
    prompt: ConsentPrompt, decision: ConsentDecision, fields: Mapping[str, list[str]]
) -> dict[str, FieldSplit]:
    """Per credential used, its fields split into shared and hidden."""
    shown = shown_by_credential(prompt, decision)
    return {cid: split_fields(use, fields.get(cid)) for cid, use in shown.items()}


def decline_entry(request: PendingRequest, reason: str) -> HistoryEntry:
    """A decline: who asked, for what (names only), and the learner's reason."""
    prompt = request.prompt
    asked = [name for item in prompt.items for name in item.names] if prompt else []
    return HistoryEntry(
        exchange_id=request.exchange_id,
        outcome="declined",
        detail=reason,
        verifier=history_verifier(request.verifier),
        request_name=request.request_name,
        purpose=prompt.purpose.said if prompt else None,
        asked_for=list(dict.fromkeys(asked)),
    )


def history_verifier(verifier: VerifierInfo) -> HistoryVerifier:
    return HistoryVerifier(
        label=verifier.label,
        did=verifier.did,
        trusted=verifier.trusted,
        trusted_name=verifier.entry.name if verifier.entry else None,
    )

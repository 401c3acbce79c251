"""Just before a presentation goes: ask the status lists of the W3C credentials chosen again.

The prompt was built from what the wallet knew then (the index's revoked and suspended
marks); an issuer may have withdrawn a credential since. One that its list now says is
revoked or suspended is not sent: the learner is told and can pick another or decline.
A list that cannot be read does not stop the answer (the verifier checks it too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from protocols.consent import ConsentDecision, ConsentPrompt
from protocols.consent.models import CandidateView
from wallet.credentials.sync import stored_credentials

if TYPE_CHECKING:
    from protocols.wallet_services import WalletServices

WITHDRAWN = {"revoked": "revoked", "suspended": "suspended"}


class CredentialWithdrawn(Exception):
    """A chosen credential was revoked or suspended; the message is for the learner."""


async def refuse_withdrawn(
    services: WalletServices, prompt: ConsentPrompt, decision: ConsentDecision
) -> None:
    """Raise CredentialWithdrawn for the first chosen credential its issuer withdrew."""
    credentials = stored_credentials(services)
    for view in _chosen_w3c(prompt, decision):
        known = await credentials.index.get(view.stored_id)
        if known is None or not known.status_lists:
            continue
        status = await credentials.source.current_status(known, fresh=True)
        if status in WITHDRAWN:
            await credentials.note_status(known, status)
            raise CredentialWithdrawn(
                f"{known.title} has been {WITHDRAWN[status]} by its issuer since this request "
                "arrived; choose another credential or decline the request."
            )


def _chosen_w3c(prompt: ConsentPrompt, decision: ConsentDecision) -> list[CandidateView]:
    """The W3C candidates the decision names (by ACA-Py's id or the wallet's `w3c:` id)."""
    views = []
    for item in prompt.items:
        choice = decision.choices.get(item.referent)
        wanted = choice.credential_id if choice else None
        view = next((c for c in item.candidates if wanted in (c.credential_id, c.stored_id)), None)
        if view is not None and view.format == "w3c":
            views.append(view)
    return views

"""Ask the wallet's own ACA-Py whether a credential's proof holds, and say why not.

`POST /vc/credentials/verify` checks the structure, expands the document with the bundled
contexts (offline: our loader refuses every other URL) and checks each proof. Its error
messages repeat the whole document, claim values included: only their first words are kept.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from agent.admin_client import AdminApiError, AdminClient
from wallet.credentials.importing.refusals import ImportRefused, RefusalReason

VERIFY_PATH = "/vc/credentials/verify"
MAX_DETAIL = 200
# Words of ACA-Py's (and pyld's) errors, and the reason each one means, first match wins.
SIGNS: tuple[tuple[str, RefusalReason], ...] = (
    ("Invalid signature", "tampered"),
    ("not bundled", "unknown_vocabulary"),
    ("Could not expand input", "unknown_vocabulary"),
    ("attributes dropped", "unknown_vocabulary"),
    ("no proofs matched", "unsupported_proof"),
    ("Cannot connect to host", "key_not_offline"),
    ("Unable to resolve", "key_not_offline"),
    ("DID not found", "key_not_offline"),
)


class VerificationAnswer(BaseModel):
    """What ACA-Py answers; `errors` are its messages (for the technical detail only)."""

    verified: bool
    errors: list[Any] = Field(default_factory=list)


async def verify_offline(client: AdminClient, document: dict[str, Any]) -> None:
    """Return when the proof holds; ImportRefused with the reason when it does not."""
    try:
        body = await client.request("POST", VERIFY_PATH, json={"verifiableCredential": document})
    except AdminApiError as error:
        if error.status in (400, 422):  # the structure was refused before any proof check
            raise ImportRefused("not_verified", _short(str(error))) from None
        raise
    answer = VerificationAnswer.model_validate(body)
    if answer.verified:
        return
    messages = [str(item) for item in answer.errors] or ["not verified"]
    raise ImportRefused(reason_of(messages), _short(messages[0]))


def reason_of(messages: list[str]) -> RefusalReason:
    for message in messages:
        for words, reason in SIGNS:
            if words in message:
                return reason
    return "not_verified"


def _short(message: str) -> str:
    """ACA-Py's message without the document it quotes (`... on document {...}`)."""
    first = message.strip().splitlines()[0] if message.strip() else "not verified"
    for cut in (" on document", " {", ": {", "{'"):
        if cut in first:
            first = first.split(cut, 1)[0]
    return first.strip(" ('\",")[:MAX_DETAIL]

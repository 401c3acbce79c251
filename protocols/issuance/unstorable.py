"""Why a credential that arrived could not be stored, when ACA-Py does not say.

ACA-Py 1.7 leaves a W3C credential its agent cannot verify at `credential-received`, with
no `error_msg`; its log says only "Could not expand input". The usual cause for a learner
is a JSON-LD context the wallet does not bundle (it never fetches contexts: that would tell
the context's host which credentials the learner holds). Naming that context tells the
learner and the issuer exactly what to fix.
"""

from __future__ import annotations

from typing import Any

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import CredentialExchangeRecord


def issued_ld_credential(record: CredentialExchangeRecord) -> dict[str, Any] | None:
    """The W3C credential the issuer sent, as ACA-Py keeps it on the exchange record."""
    issued = (record.by_format.get("cred_issue") or {}).get("ld_proof")
    return issued if isinstance(issued, dict) else None


def context_urls(document: dict[str, Any]) -> list[str]:
    """The remote contexts a document names at its top level and in its proof."""
    urls: list[str] = []
    for holder in (document, document.get("proof")):
        if not isinstance(holder, dict):
            continue
        contexts = holder.get("@context")
        for context in contexts if isinstance(contexts, list) else [contexts]:
            if not isinstance(context, str) or context in urls:
                continue
            if context.startswith(("https://", "http://")):
                urls.append(context)
    return urls


def missing_contexts_reason(missing: list[str]) -> str:
    named = ", ".join(missing)
    return (
        f"the credential uses JSON-LD contexts this wallet does not have ({named}); the wallet "
        "never downloads contexts, so it cannot check the credential. Ask the issuer to issue "
        "it with the standard or Open Badges 3.0 contexts"
    )


async def why_unstorable(client: AdminClient, record: CredentialExchangeRecord) -> str | None:
    """A reason naming the missing contexts, or None when that is not the cause."""
    credential = issued_ld_credential(record)
    if credential is None:
        return None
    try:
        known = await client.jsonld_context_urls()
    except AdminApiError:
        return None
    missing = [url for url in context_urls(credential) if url not in known]
    return missing_contexts_reason(missing) if missing else None

"""Why an exchange failed, in words the learner can act on, where ACA-Py gives none.

A credential that arrived but could not be stored:

ACA-Py 1.7 leaves a W3C credential its agent cannot verify at `credential-received`, with
no `error_msg`; its log says only "Could not expand input". The usual cause for a learner
is a JSON-LD context the wallet does not bundle (it never fetches contexts: that would tell
the context's host which credentials the learner holds). Naming that context tells the
learner and the issuer exactly what to fix.

A request ACA-Py refused with a bare 500: for AnonCreds, usually an issuer whose
definitions cannot be resolved, which ACA-Py does explain when asked for the schema.
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


async def resolution_problem(client: AdminClient, schema_id: str) -> str | None:
    """Why the issuer's AnonCreds objects cannot be resolved (ACA-Py says it for schemas)."""
    try:
        await client.anoncreds_schema(schema_id)
    except AdminApiError as error:
        detail = str(error).split("): ", 1)[-1].split(". ", 1)[0]
        return f"the issuer's AnonCreds definitions cannot be resolved: {detail}"
    return None


async def store_failure(client: AdminClient, cred_ex_id: str, error: str | None) -> str:
    """Why a credential that arrived could not be stored: a missing context if that is the
    cause (ACA-Py only says it could not verify), else ACA-Py's own reason."""
    detail = await client.credential_exchange(cred_ex_id)
    named = await why_unstorable(client, detail.cred_ex_record)
    return named or f"the credential arrived but could not be stored: {error or 'no reason given'}"

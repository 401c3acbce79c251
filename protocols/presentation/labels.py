"""What kind of credential a missing AnonCreds part asks for, named from its issuer's
published objects: the schema's name, else the credential definition's tag.

A did:web identifier says neither, so they are resolved through ACA-Py, but only for
issuers on the learner's trust list: resolving an identifier a verifier chose would make
the wallet fetch from a host the verifier picked (telling it about the request), and an
issuer not on the list is named by its web address instead (guidance.py). Each resolution
is bounded; one that fails leaves the part as it was.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

from agent.admin_client import AdminApiError, AdminClient
from protocols.consent import ConsentPrompt, TrustList
from protocols.consent.guidance import repr_kind
from protocols.consent.models import PromptItem
from protocols.consent.restrictions import issuer_of

LOGGER = logging.getLogger(__name__)
RESOLVE_SECONDS = 3.0
MAX_RESOLVED = 5  # per prompt: a request naming many cannot make the wallet fetch many


async def with_kind_labels(
    client: AdminClient, prompt: ConsentPrompt, trust: TrustList
) -> ConsentPrompt:
    """The prompt with `kinds` named for missing parts whose trusted issuer's objects say."""
    wanted = sorted(
        {
            cred_def
            for item in prompt.items
            if item.missing is not None and not item.missing.kinds
            for cred_def in item.missing.cred_def_ids
            if trust.lookup(issuer_of(cred_def), "issuer") is not None
        }
    )[:MAX_RESOLVED]
    if not wanted:
        return prompt
    found = await asyncio.gather(*(_label(client, cred_def) for cred_def in wanted))
    labels = {cred_def: label for cred_def, label in zip(wanted, found, strict=True) if label}
    if not labels:
        return prompt
    said: dict[str, str] = {}
    items = [_labelled(item, labels, said) for item in prompt.items]
    errors = [said.get(error, error) for error in prompt.errors]
    return prompt.model_copy(update={"items": items, "errors": errors})


def _labelled(item: PromptItem, labels: dict[str, str], said: dict[str, str]) -> PromptItem:
    missing = item.missing
    if missing is None or missing.kinds:
        return item
    kinds = list(dict.fromkeys(labels[c] for c in missing.cred_def_ids if c in labels))
    if not kinds:
        return item
    sentence = f"{missing.sentence} It must be {' or '.join(repr_kind(k) for k in kinds)}."
    said[missing.sentence] = sentence
    update = {"kinds": kinds, "sentence": sentence}
    return item.model_copy(update={"missing": missing.model_copy(update=update)})


async def _label(client: AdminClient, cred_def_id: str) -> str | None:
    """The schema's name, else the definition's tag (not ACA-Py's `default`)."""
    tag: object = None
    try:
        async with asyncio.timeout(RESOLVE_SECONDS):
            path = f"/anoncreds/credential-definition/{quote(cred_def_id, safe='')}"
            body = await client.request("GET", path)
            definition = (body or {}).get("credential_definition") or {}
            schema_id, tag = definition.get("schemaId"), definition.get("tag")
            if isinstance(schema_id, str) and schema_id:
                schema = (await client.anoncreds_schema(schema_id)).get("schema") or {}
                name = schema.get("name")
                if isinstance(name, str) and name.strip():
                    return name.strip()[:120]
    except (AdminApiError, TimeoutError) as error:
        LOGGER.info("no label for a credential definition: %s", type(error).__name__)
        return None
    return tag.strip()[:120] if isinstance(tag, str) and tag.strip() != "default" else None

"""The field names of the credentials an answer uses, read from ACA-Py for the history.

The consent prompt keeps only what the learner is shown, so what stays hidden (the rest of
each credential) is read again when the learner approves: one read per credential, side by
side. Only the names are kept; the values are dropped here. A read that fails, or takes
longer than READ_DEADLINE, leaves the hidden fields unknown for that credential rather
than holding up the answer.
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import ValidationError

from agent.admin_client import AdminApiError, AdminClient
from protocols.consent.dif_match import credential_leaves
from protocols.presentation.history_fields import CredentialFormat, Shown

LOGGER = logging.getLogger(__name__)
READ_DEADLINE = 5.0  # seconds; a stored credential is read in milliseconds


async def field_names(client: AdminClient, used: dict[str, Shown]) -> dict[str, list[str]]:
    """For each credential used (ACA-Py id), all its field names; absent if unreadable."""
    ids = list(used)
    found = await asyncio.gather(*(_names(client, i, used[i].format) for i in ids))
    return {i: names for i, names in zip(ids, found, strict=True) if names is not None}


async def _names(client: AdminClient, acapy_id: str, kind: CredentialFormat) -> list[str] | None:
    try:
        async with asyncio.timeout(READ_DEADLINE):
            if kind == "anoncreds":
                return list((await client.anoncreds_credential(acapy_id)).attrs)
            record = await client.w3c_credential(acapy_id)
    except (AdminApiError, ValidationError, TimeoutError) as error:
        # A validation error would quote the record: name its kind only (no values in logs).
        said = error if isinstance(error, AdminApiError) else type(error).__name__
        LOGGER.warning("history: credential %s could not be read: %s", acapy_id, said)
        return None
    return [name for name, _ in credential_leaves(record.cred_value)]

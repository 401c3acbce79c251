"""Find the copy of an issued credential that a cut-off store already wrote to the wallet.

ACA-Py's store writes the credential, then the format detail naming it (`cred_id_stored`),
then moves the exchange to `done`, each in its own commit. A crash between them leaves the
exchange at `credential-received` with the credential already in the wallet, under a random
id that the detail may not name yet. Storing again would make a second copy; this finds the
first instead, by what only that one credential has: for AnonCreds the issuer's signature
correctness proof (kept as issued when the holder processes the signature), for W3C the
issuer's proof.
"""

from __future__ import annotations

import json
from typing import Any

from acapy_agent.core.profile import Profile
from acapy_agent.protocols.issue_credential.v2_0.messages.cred_format import V20CredFormat
from acapy_agent.protocols.issue_credential.v2_0.models.cred_ex_record import V20CredExRecord
from acapy_agent.protocols.issue_credential.v2_0.models.detail.anoncreds import (
    V20CredExRecordAnonCreds,
)
from acapy_agent.protocols.issue_credential.v2_0.models.detail.ld_proof import (
    V20CredExRecordLDProof,
)
from acapy_agent.storage.error import StorageNotFoundError
from acapy_agent.storage.vc_holder.base import VCHolder

ANONCREDS_CATEGORY = "credential"  # acapy_agent.anoncreds.holder.CATEGORY_CREDENTIAL
ANONCREDS_FORMATS = (V20CredFormat.Format.ANONCREDS, V20CredFormat.Format.INDY)


def issued_format(record: V20CredExRecord) -> V20CredFormat.Format | None:
    """The format of the credential the issuer sent (the first one ACA-Py knows)."""
    issue = record.cred_issue
    if issue is None:
        return None
    known = (V20CredFormat.Format.get(fmt.format) for fmt in issue.formats)
    return next((fmt for fmt in known if fmt is not None), None)


def same_anoncreds_credential(issued: dict[str, Any], stored: dict[str, Any]) -> bool:
    """The stored credential is the issued one after the holder processed its signature.

    Processing changes the signature's `v` only; the issuer's correctness proof and the
    values stay as issued, and the proof is fresh randomness for every issuance.
    """
    proof = issued.get("signature_correctness_proof")
    return (
        bool(proof)
        and stored.get("signature_correctness_proof") == proof
        and stored.get("values") == issued.get("values")
        and stored.get("cred_def_id") == issued.get("cred_def_id")
    )


def same_ld_credential(issued: dict[str, Any], stored: dict[str, Any]) -> bool:
    """The same issuer's proof: its signature is over this document and no other."""
    proof = issued.get("proof")
    return bool(proof) and stored.get("proof") == proof


async def stored_copy(profile: Profile, record: V20CredExRecord) -> str | None:
    """The id of the wallet's copy of this exchange's credential, if it has one."""
    fmt = issued_format(record)
    if fmt in ANONCREDS_FORMATS:
        return await _anoncreds_copy(profile, record, fmt)
    if fmt is V20CredFormat.Format.LD_PROOF:
        return await _ld_copy(profile, record)
    return None


async def _anoncreds_copy(
    profile: Profile, record: V20CredExRecord, fmt: V20CredFormat.Format
) -> str | None:
    issued = record.cred_issue.attachment(fmt) if record.cred_issue else None
    async with profile.session() as session:
        details = await V20CredExRecordAnonCreds.query_by_cred_ex_id(session, record.cred_ex_id)
        named = [d.cred_id_stored for d in details if d.cred_id_stored]
        for cred_id in named:
            if await session.handle.fetch(ANONCREDS_CATEGORY, cred_id):
                return cred_id
        if issued is None or not issued.get("cred_def_id"):
            return None
        entries = await session.handle.fetch_all(
            ANONCREDS_CATEGORY, {"cred_def_id": issued["cred_def_id"]}
        )
    for entry in entries:
        if same_anoncreds_credential(issued, json.loads(entry.value)):
            return str(entry.name)
    return None


async def _ld_copy(profile: Profile, record: V20CredExRecord) -> str | None:
    fmt = V20CredFormat.Format.LD_PROOF
    issued = record.cred_issue.attachment(fmt) if record.cred_issue else None
    async with profile.session() as session:
        holder = session.inject(VCHolder)
        details = await V20CredExRecordLDProof.query_by_cred_ex_id(session, record.cred_ex_id)
        for cred_id in (d.cred_id_stored for d in details if d.cred_id_stored):
            try:
                await holder.retrieve_credential_by_id(cred_id)
                return cred_id
            except StorageNotFoundError:
                continue
        if issued is None:
            return None
        issuer = issued.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        search = holder.search_credentials(
            issuer_id=issuer_id if isinstance(issuer_id, str) else None,
            given_id=issued.get("id") if isinstance(issued.get("id"), str) else None,
        )
        candidates = await search.fetch()
    for candidate in candidates:
        if same_ld_credential(issued, candidate.cred_value):
            return str(candidate.record_id)
    return None

"""The learner's DIDs: which exist, what each is used for, and making new ones.

ACA-Py knows the DIDs; what uses them is spread over `wallet.json` (the W3C subject DIDs),
connections (`my_did`) and stored W3C credentials (`credentialSubject.id`).
"""

from __future__ import annotations

import asyncio
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import (
    ConnectionRecord,
    DidCreateRequest,
    DidInfo,
    W3CCredentialQuery,
    W3CCredentialRecord,
)
from agent.connection_cache import ConnectionCache
from wallet.wallet_key import WalletRecord

DidMethodName = Literal["key", "peer"]
KeyTypeName = Literal["ed25519", "bls12381g2"]
# ACA-Py 1.7 names its peer methods by prefix; numalgo 4 is what it uses for connections.
PEER_METHOD: Literal["did:peer:4"] = "did:peer:4"
MAX_CREDENTIALS_PER_DID = 100
FEW_KEYS = 8  # up to this many did:keys, a query each; beyond, one listing
MAX_LISTED = 1_000_000  # ACA-Py answers 100 without a cap


class DidCreationError(Exception):
    """The DID cannot be made as asked; the message says what is possible."""


class NewDid(BaseModel):
    """The body of `POST /api/dids`."""

    model_config = ConfigDict(extra="forbid")

    method: DidMethodName = Field(description="`key` (did:key) or `peer` (did:peer:4).")
    key_type: KeyTypeName = Field(
        default="ed25519", description="`ed25519`, or `bls12381g2` for BBS+ (did:key only)."
    )


class DidUse(BaseModel):
    """One thing a DID is used for."""

    kind: Literal["w3c_subject", "connection", "credential"]
    description: str
    ref: str | None = Field(default=None, description="Connection or credential id.")


class WalletDid(BaseModel):
    did: str
    method: str = Field(description="The DID method: key, peer, sov (unqualified), web...")
    key_type: str
    verkey: str
    long_form: str | None = Field(
        default=None, description="A did:peer:4's long form, which ACA-Py stores beside it."
    )
    uses: list[DidUse] = Field(default_factory=list)


def did_method(did: str) -> str:
    """The method part of a DID; ACA-Py's unqualified legacy DIDs count as `sov`."""
    if did.startswith("did:"):
        return did.split(":", 2)[1]
    return "sov"


def same_did(left: str, right: str) -> bool:
    """Equal, or the short and long forms of one did:peer:4."""
    if left == right:
        return True
    if left.startswith("did:peer:4") and right.startswith("did:peer:4"):
        return left.startswith(right + ":") or right.startswith(left + ":")
    return False


async def list_wallet_dids(
    client: AdminClient, record: WalletRecord, names: ConnectionCache | None = None
) -> list[WalletDid]:
    """Every DID in the wallet with its uses; the W3C subject DIDs come first. A connection
    is named as the learner named it (`names`), else by the peer's own label."""
    infos, long_forms = _fold_peer_long_forms(await client.list_dids())
    connections = await client.list_connections()
    subject_of = {did: key_type for key_type, did in record.subject_dids.items()}
    keys = [info.did for info in infos if info.did.startswith("did:key:")]
    credential_uses = await _credential_uses_of(client, keys)
    views: list[WalletDid] = []
    for info in infos:
        uses: list[DidUse] = []
        if info.did in subject_of:
            uses.append(
                DidUse(
                    kind="w3c_subject",
                    # Wallets made before each credential got its own DID (holder_did.py).
                    description=f"subject of earlier W3C credentials ({subject_of[info.did]})",
                )
            )
        uses += [
            DidUse(
                kind="connection",
                description=f"connection with {_label(c, names) or 'an unnamed peer'}",
                ref=c.connection_id,
            )
            for c in connections
            if c.my_did and same_did(c.my_did, info.did)
        ]
        uses += credential_uses.get(info.did, [])
        views.append(_view(info, uses, long_forms.get(info.did)))
    order = list(record.subject_dids.values())
    views.sort(
        key=lambda v: (order.index(v.did) if v.did in order else len(order), v.method, v.did)
    )
    return views


def _label(record: ConnectionRecord, names: ConnectionCache | None) -> str | None:
    return names.display_label(record) if names else record.their_label


async def create_wallet_did(client: AdminClient, new: NewDid) -> WalletDid:
    """Make a did:key of the given key type, or a did:peer:4 (Ed25519 keys only)."""
    if new.method == "peer":
        if new.key_type != "ed25519":
            raise DidCreationError(
                f"did:peer DIDs carry ed25519 keys only; {new.key_type} needs method `key`"
            )
        request = DidCreateRequest(method=PEER_METHOD, options={"key_type": "ed25519"})
    else:
        request = DidCreateRequest(method="key", options={"key_type": new.key_type})
    try:
        info = await client.create_did(request)
    except AdminApiError as error:
        if error.status is not None and 400 <= error.status < 500:
            raise DidCreationError(str(error)) from None
        raise
    if _peer4_short_form(info.did):  # the long form came back: show the short one
        short = _peer4_short_form(info.did) or info.did
        return _view(info.model_copy(update={"did": short}), [], info.did)
    return _view(info, [])


async def _credential_uses_of(client: AdminClient, dids: list[str]) -> dict[str, list[DidUse]]:
    """The credentials each did:key is the subject of.

    Each W3C credential has a DID of its own (issuance/holder_did.py), so a wallet may hold
    hundreds: past a few, one listing of every W3C credential beats a query per DID.
    """
    if len(dids) <= FEW_KEYS:
        queries = [
            client.list_w3c_credentials(
                W3CCredentialQuery(subject_ids=[did], max_results=MAX_CREDENTIALS_PER_DID)
            )
            for did in dids
        ]
        found = await asyncio.gather(*queries)
        return {did: [_use(c) for c in records] for did, records in zip(dids, found, strict=True)}
    wanted = set(dids)
    uses: dict[str, list[DidUse]] = {}
    query = W3CCredentialQuery(max_results=MAX_LISTED)
    async for credential in client.iter_w3c_credentials(query):
        for subject in set(credential.subject_ids or []) & wanted:
            held = uses.setdefault(subject, [])
            if len(held) < MAX_CREDENTIALS_PER_DID:
                held.append(_use(credential))
    return uses


def _use(credential: W3CCredentialRecord) -> DidUse:
    title = _credential_title(credential.cred_value)
    return DidUse(kind="credential", description=title, ref=credential.record_id)


def _credential_title(credential: dict[str, object]) -> str:
    name = credential.get("name")
    if isinstance(name, str) and name:
        return f"subject of the credential {name!r}"
    types = credential.get("type")
    specific = [t for t in types if t != "VerifiableCredential"] if isinstance(types, list) else []
    return f"subject of a {specific[-1] if specific else 'W3C'} credential"


def _fold_peer_long_forms(infos: list[DidInfo]) -> tuple[list[DidInfo], dict[str, str]]:
    """Show each did:peer:4 once, by its short form.

    ACA-Py stores a connection's did:peer:4 in both forms, one made by `/wallet/did/create`
    in the long form only.
    """
    shown = {info.did for info in infos if _peer4_short_form(info.did) is None}
    long_forms: dict[str, str] = {}
    kept: list[DidInfo] = []
    for info in infos:
        short = _peer4_short_form(info.did)
        if short is None:
            kept.append(info)
            continue
        long_forms[short] = info.did
        if short not in shown:
            shown.add(short)
            kept.append(info.model_copy(update={"did": short}))
    return kept, long_forms


def _peer4_short_form(did: str) -> str | None:
    """`did:peer:4<hash>` of a long-form `did:peer:4<hash>:<encoded document>`, else None."""
    if did.startswith("did:peer:4") and did.count(":") == 3:
        return did.rsplit(":", 1)[0]
    return None


def _view(info: DidInfo, uses: list[DidUse], long_form: str | None = None) -> WalletDid:
    return WalletDid(
        did=info.did,
        method=did_method(info.did),
        key_type=info.key_type,
        verkey=info.verkey,
        long_form=long_form,
        uses=uses,
    )

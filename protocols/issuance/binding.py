"""Whether the learner's request binds a W3C credential to a new DID of the learner's.

An offer whose `credentialSubject` has no `id` means two things to two kinds of issuer.
ACA-Py takes it as "bind it late": the holder's request adds its DID and the issuer signs
that. Credo set to accept a request only when it equals its offer (`ContentApproved`, a
common setting) sees a request that differs and waits for a person, who may never come.
The offer does not say which issuer it is, and a request cannot be taken back once sent
(RFC 0453), so a wrong guess leaves the learner with no credential. Hence:

- the offer names a subject: request as offered (ACA-Py keeps the offered id);
- a BBS+ credential: always bound. Without a subject id its subject is a blank node, and
  a selective-disclosure proof derived from it names that node `urn:bnid:...`, which
  ACA-Py's verifier then refuses: such a credential could never be shown in part. (Credo
  0.5 issues no BBS+ credentials without an extra module, so this costs no Credo issuer.)
- the issuer is known to accept a bound request: bind to a fresh did:key (holder_did.py).
  Known means the learner's trust list says so for the issuer's DID (`binds_holder`, as an
  OpenID4VCI issuer's metadata lists the binding methods it supports), or the wallet holds a
  credential of that issuer whose subject is a DID (the issuer bound one before);
- otherwise: request as offered. The credential has no subject id, so there is nothing in
  it to link; a presentation of it is still signed by the learner, with a fresh did:key
  (protocols/presentation/signer.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from agent.admin_client import AdminClient
from protocols.consent import TrustList
from protocols.issuance.holder_did import key_type_for_proof, new_holder_did
from protocols.issuance.models import CredentialOffer
from wallet.credentials.index import CredentialIndex
from wallet.credentials.models import CredentialSearch

IssuerBinds = Callable[[str], Awaitable[bool]]
BBS_KEY_TYPE = "bls12381g2"
HELD_PAGE = 100  # the newest credentials of one issuer looked at for a bound subject


async def never_known(_issuer_did: str) -> bool:
    """Without a trust list or held credentials no issuer is known to bind."""
    return False


def issuer_binds(trust: TrustList, held: Callable[[], CredentialIndex | None]) -> IssuerBinds:
    """Known to accept a bound request: by the trust list, or by a bound credential held."""

    async def binds(issuer_did: str) -> bool:
        entry = trust.lookup(issuer_did, "issuer")
        if entry is not None and entry.binds_holder:
            return True
        index = held()
        if index is None:
            return False
        search = CredentialSearch(issuer=issuer_did, format="w3c", limit=HELD_PAGE)
        page = await index.search(search)
        return any(item.attributes.get("id", "").startswith("did:") for item in page.items)

    return binds


async def subject_for_request(
    client: AdminClient, offer: CredentialOffer, binds: IssuerBinds
) -> str | None:
    """The DID to bind an `ld_proof` offer to, or None to request it as offered.

    Raises HolderDidError for a proof type the wallet cannot hold, bound or not.
    """
    key_type = key_type_for_proof(offer.proof_type)
    if offer.subject_id is not None:
        return None
    must_bind = key_type == BBS_KEY_TYPE
    if not must_bind and (offer.issuer_did is None or not await binds(offer.issuer_did)):
        return None
    return await new_holder_did(client, offer.proof_type)

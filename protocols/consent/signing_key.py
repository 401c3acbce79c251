"""Which key signs a DIF presentation, as ACA-Py 1.7 will choose it (formats/dif/handler.py).

A W3C credential requested as offered has no subject DID (issuance/binding.py), so ACA-Py
cannot find a signing key on its own; the wallet then gives it a fresh did:key, and that
key must suit the proof type ACA-Py signs with. ACA-Py decides per descriptor: BBS when it
limits disclosure, then the first of Ed25519Signature2018, EcdsaSecp256r1Signature2019 and
BbsBlsSignature2020 the verifier's `ldp_vp` lists; the last descriptor's choice wins, and
Ed25519Signature2018 when none chose.
"""

from .credentials import BBS_PROOF
from .request import PresentationDefinition

KEY_TYPE_BY_VP_PROOF = {
    "Ed25519Signature2018": "ed25519",
    "EcdsaSecp256r1Signature2019": "p256",
    BBS_PROOF: "bls12381g2",
}
DEFAULT_KEY_TYPE = "ed25519"


def signing_key_type(definition: PresentationDefinition) -> str:
    """The did:key type for a presentation of `definition` signed by a fresh DID."""
    listed = ((definition.format or {}).get("ldp_vp") or {}).get("proof_type")
    listed_types = [str(t) for t in listed] if isinstance(listed, list) else []
    first_known = next((t for t in listed_types if t in KEY_TYPE_BY_VP_PROOF), None)
    chosen: str | None = None
    for descriptor in definition.input_descriptors:
        if descriptor.constraints.selective:
            chosen = BBS_PROOF
        if first_known is not None:
            chosen = first_known
    return KEY_TYPE_BY_VP_PROOF[chosen] if chosen else DEFAULT_KEY_TYPE

"""The learner's trust list: which DIDs belong to organisations they can rely on.

A verifier that verifies a proof is not thereby trusted (DESIGN §8): trust comes only
from this list and the prompt shows it, or says the verifier is unknown.
"""

from pydantic import BaseModel, ConfigDict, Field

UNNAMED_VERIFIER = "an unnamed verifier"  # screens say it in the learner's language


class TrustEntry(BaseModel):
    """An organisation on the trust list, with the register that vouches for it."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    did: str
    name: str
    country: str | None = None
    register_: str | None = Field(default=None, alias="register")
    roles: tuple[str, ...] = ()
    # An invitation link to the organisation, checked when the list is loaded: the prompt
    # offers "Connect to <name>" when the learner lacks a credential it issues.
    invitation: str | None = None
    binds_holder: bool = False  # accepts a bound credential request (issuance/binding.py)

    def serves_as(self, role: str | None) -> bool:
        """An entry without roles is trusted in every role; otherwise only in those listed."""
        return role is None or not self.roles or role in self.roles


class TrustList(BaseModel):
    """Trusted organisations, looked up by DID."""

    model_config = ConfigDict(frozen=True)

    entries: list[TrustEntry] = Field(default_factory=list)

    def lookup(self, did: str | None, role: str | None = None) -> TrustEntry | None:
        """The entry for a DID in a role ("issuer", "verifier"); ``did:sov:X`` matches ``X``."""
        if not did:
            return None
        wanted = _canonical(did)
        found = (e for e in self.entries if _canonical(e.did) == wanted and e.serves_as(role))
        return next(found, None)


class VerifierInfo(BaseModel):
    """Who is asking, as far as the learner's own trust list can tell."""

    model_config = ConfigDict(frozen=True)

    label: str
    did: str | None = None
    trusted: bool = False
    entry: TrustEntry | None = None

    @property
    def status(self) -> str:
        """``trusted`` or ``unknown``, for display."""
        return "trusted" if self.trusted else "unknown"


def verifier_info(label: str | None, did: str | None, trust_list: TrustList) -> VerifierInfo:
    """Combine the connection's label and DID with the trust list."""
    entry = trust_list.lookup(did, "verifier")
    shown = (label or "").strip()[:120] or UNNAMED_VERIFIER
    return VerifierInfo(label=shown, did=did, trusted=entry is not None, entry=entry)


def _canonical(did: str) -> str:
    did = did.strip()
    return did.removeprefix("did:sov:")

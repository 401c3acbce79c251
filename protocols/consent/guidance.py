"""Who could issue a credential the learner lacks, and what kind it is, in words.

A raw DID or type URI tells a learner nothing, so each is turned into a name where one can
be had without a network call: the trust list's name, a did:web's web address, a legacy
credential definition's tag, a schema's name, a type's last word. The identifiers stay
in `MissingCredential` as technical details.
"""

from functools import lru_cache
from urllib.parse import unquote

from .models import IssuerHint
from .trust import TrustList
from .wording import human_name


def issuer_hints(dids: list[str], trust: TrustList) -> list[IssuerHint]:
    """One hint per issuer DID, named from the trust list, else from a did:web's address."""
    hints = []
    for did in dids:
        entry = trust.lookup(did, "issuer")
        if entry is not None:
            hints.append(IssuerHint(name=entry.name, trusted=True, invitation=entry.invitation))
        else:
            hints.append(IssuerHint(name=web_address(did)))
    return hints


@lru_cache(maxsize=256)
def web_address(did: str) -> str | None:
    """`did:web:uni.example:issuers:1` -> `uni.example`; None for other methods."""
    if not did.startswith("did:web:"):
        return None
    host = unquote(did.removeprefix("did:web:").split(":", 1)[0]).strip()
    return host or None


def cred_def_tag(cred_def_id: str) -> str | None:
    """The tag a legacy `<did>:3:CL:<schema>:<tag>` id carries (not the default `default`)."""
    parts = cred_def_id.split(":")
    if len(parts) >= 5 and parts[1] == "3" and parts[-1] and parts[-1] != "default":
        return parts[-1]
    return None


def schema_label(schema_id: str) -> str | None:
    """The name in a legacy `<did>:2:<name>:<version>` schema id."""
    parts = schema_id.split(":")
    return parts[2] if len(parts) == 4 and parts[1] == "2" and parts[2] else None


def type_label(uri: str) -> str | None:
    """A credential type URI's last word in plain words: `...#UniversityDegree` ->
    `university degree`; None when nothing readable is left."""
    tail = uri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    words = human_name(unquote(tail)) if tail and ":" not in tail else ""
    return words or None


def kinds_sentence(issuers: list[IssuerHint], kinds: list[str]) -> str:
    """The English guidance after "You have no credential ...": what to ask whom for."""
    parts = []
    if kinds:
        parts.append(f"It must be {' or '.join(repr_kind(k) for k in kinds)}.")
    if issuers:
        names = [hint.name or "an issuer that is not on your trust list" for hint in issuers]
        parts.append(f"It can come from {' or '.join(dict.fromkeys(names))}.")
    return " ".join(parts)


def repr_kind(kind: str) -> str:
    return f"a credential of the kind '{kind}'"

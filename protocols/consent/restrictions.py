"""AnonCreds restrictions: which credentials fit, and what would fit when none does.

ACA-Py 1.7 ANDs a request's restriction list in its candidate search although the
AnonCreds rule is "any one of them", so with several restrictions it can return no
candidates at all. The engine therefore checks restrictions itself where the
identifiers allow it, and trusts ``presentation_referents`` only where they do not.
"""

from functools import lru_cache

from .credentials import AnonCredsCandidate
from .guidance import cred_def_tag, issuer_hints, kinds_sentence, schema_label
from .models import MissingCredential
from .trust import TrustList
from .wording import missing_sentence


# The identifier and name helpers below are pure and see the same few strings for every
# candidate of a prompt (one schema, one credential definition, a handful of attribute
# names), so each result is cached: a 250-candidate prompt computes them a few times.
@lru_cache(maxsize=4096)
def canon(name: str) -> str:
    """AnonCreds compares attribute names without case or spaces."""
    return name.replace(" ", "").lower()


def attribute_value(candidate: AnonCredsCandidate, name: str) -> str | None:
    """The candidate's raw value for a requested name, compared canonically."""
    wanted = canon(name)
    found = (v for k, v in candidate.cred_info.attrs.items() if canon(k) == wanted)
    return next(found, None)


@lru_cache(maxsize=1024)
def issuer_of(identifier: str) -> str | None:
    """The issuer DID inside a schema or credential definition id, when it has one."""
    parts = identifier.split(":")
    if len(parts) >= 4 and parts[1] in ("2", "3") and not identifier.startswith("did:"):
        return parts[0]
    if identifier.startswith("did:"):
        for separator in ("?", "/"):
            identifier = identifier.split(separator, 1)[0]
        return identifier
    return None


def facts_of(candidate: AnonCredsCandidate) -> dict[str, str]:
    """The restriction keys this candidate's identifiers let us evaluate (do not modify:
    candidates with the same identifiers share it)."""
    info = candidate.cred_info
    return _identifier_facts(info.schema_id, info.cred_def_id)


@lru_cache(maxsize=1024)
def _identifier_facts(schema_id: str, cred_def_id: str) -> dict[str, str]:
    facts = {"schema_id": schema_id, "cred_def_id": cred_def_id}
    issuer = issuer_of(cred_def_id)
    if issuer:
        facts["issuer_did"] = issuer
        facts["issuer_id"] = issuer
    schema_issuer = issuer_of(schema_id)
    if schema_issuer:
        facts["schema_issuer_did"] = schema_issuer
        facts["schema_issuer_id"] = schema_issuer
    parts = schema_id.split(":")
    if len(parts) == 4 and parts[1] == "2":
        facts["schema_name"], facts["schema_version"] = parts[2], parts[3]
    return facts


def evaluate(restriction: dict[str, str], candidate: AnonCredsCandidate) -> bool | None:
    """True or False when decidable from the candidate, None when a key is unknowable."""
    facts = facts_of(candidate)
    unknown = False
    for key, wanted in restriction.items():
        if key.startswith("attr::"):
            name, _, kind = key.removeprefix("attr::").rpartition("::")
            value = attribute_value(candidate, name)
            if value is None or (kind == "value" and value != wanted):
                return False
        elif key in facts:
            if _did_key(facts[key]) != _did_key(wanted):
                return False
        else:
            unknown = True
    return None if unknown else True


def fits(restrictions: list[dict[str, str]], candidate: AnonCredsCandidate, referent: str) -> bool:
    """Any restriction satisfied; undecidable ones defer to ACA-Py's own match."""
    if not restrictions:
        return True
    results = [evaluate(r, candidate) for r in restrictions]
    if any(result is True for result in results):
        return True
    return None in results and referent in candidate.presentation_referents


def missing_for(
    what: str, restrictions: list[dict[str, str]], trust: TrustList | None = None
) -> MissingCredential:
    """A sentence naming who could issue it and what kind it is (never a bare identifier),
    and the identifiers that would satisfy the item, as technical details."""
    issuers, schema_ids, schema_names, cred_defs = (set[str]() for _ in range(4))
    for restriction in restrictions:
        issuers.update(v for k, v in restriction.items() if k in ("issuer_did", "issuer_id"))
        schema_ids.update(v for k, v in restriction.items() if k == "schema_id")
        schema_names.update(v for k, v in restriction.items() if k == "schema_name")
        cred_defs.update(v for k, v in restriction.items() if k == "cred_def_id")
        issuers.update(filter(None, (issuer_of(v) for v in cred_defs)))
    labels = [cred_def_tag(c) for c in sorted(cred_defs)]
    labels += sorted(schema_names) + [schema_label(s) for s in sorted(schema_ids)]
    kinds = list(dict.fromkeys(label for label in labels if label))
    hints = issuer_hints(sorted(issuers), trust or TrustList())
    return MissingCredential(
        sentence=missing_sentence(what, kinds_sentence(hints, kinds)),
        issuers=hints,
        kinds=kinds,
        issuer_dids=sorted(issuers),
        schema_ids=sorted(schema_ids),
        schema_names=sorted(schema_names),
        cred_def_ids=sorted(cred_defs),
    )


def _did_key(value: str) -> str:
    return value.removeprefix("did:sov:")

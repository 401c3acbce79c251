"""Typed views of a proof request as ACA-Py stores it under ``by_format.pres_request``.

The shapes follow ACA-Py 1.7's AnonCreds/Indy proof request and DIF Presentation
Exchange schemas. Unknown keys are ignored; anything structurally wrong is caught at
the boundary (``parse_request``) and turned into a ``HostileRequestError``.
"""

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

type PredicateType = Literal[">=", ">", "<=", "<"]
type AnonCredsKey = Literal["anoncreds", "indy"]

UNNAMED_REQUEST = "Proof request"  # a request without a name; screens translate it


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class NonRevoked(_Model):
    """A window in which the verifier wants the credential not to be revoked."""

    from_: int | None = Field(default=None, alias="from")
    to: int | None = None


class AttributeSpec(_Model):
    """One requested attribute (``name``) or attribute group (``names``)."""

    name: str | None = None
    names: list[str] | None = None
    restrictions: list[dict[str, str]] = Field(default_factory=list)
    non_revoked: NonRevoked | None = None

    @model_validator(mode="after")
    def _name_xor_names(self) -> Self:
        if (self.name is None) == (self.names is None):
            raise ValueError("an attribute needs exactly one of 'name' or 'names'")
        if self.names is not None and not self.names:
            raise ValueError("an attribute group needs at least one name")
        return self

    @property
    def attribute_names(self) -> list[str]:
        """The names asked for, one for a plain attribute, several for a group."""
        return [self.name] if self.name is not None else list(self.names or [])


class PredicateSpec(_Model):
    """A condition on a numeric attribute, proven without revealing the value."""

    name: str
    p_type: PredicateType
    p_value: int
    restrictions: list[dict[str, str]] = Field(default_factory=list)
    non_revoked: NonRevoked | None = None


class AnonCredsRequest(_Model):
    """An AnonCreds (or legacy Indy) proof request."""

    name: str = UNNAMED_REQUEST
    version: str = "1.0"
    nonce: str | None = None
    requested_attributes: dict[str, AttributeSpec] = Field(default_factory=dict)
    requested_predicates: dict[str, PredicateSpec] = Field(default_factory=dict)
    non_revoked: NonRevoked | None = None


class DifFilter(_Model):
    """The JSON-Schema-like filter a DIF field puts on the value it points at."""

    type: str | None = None
    format: str | None = None
    pattern: str | None = None
    minimum: float | str | None = None
    maximum: float | str | None = None
    exclusive_minimum: float | str | None = Field(default=None, alias="exclusiveMinimum")
    exclusive_maximum: float | str | None = Field(default=None, alias="exclusiveMaximum")
    min_length: int | None = Field(default=None, alias="minLength")
    max_length: int | None = Field(default=None, alias="maxLength")
    const: str | float | bool | None = None
    enum: list[str | float | bool] | None = None
    not_: "DifFilter | None" = Field(default=None, alias="not")


class DifField(_Model):
    """One field an input descriptor asks for, by one or more alternative paths."""

    id: str | None = None
    path: list[str]
    purpose: str | None = None
    filter: DifFilter | None = None
    optional: bool = False


class DifConstraints(_Model):
    """What a matching credential must contain, and whether to disclose only that."""

    limit_disclosure: str | None = None
    fields: list[DifField] = Field(default_factory=list)
    subject_is_issuer: str | None = None

    @property
    def selective(self) -> bool:
        """ACA-Py derives a BBS proof only for ``required``; ``preferred`` shares all."""
        return self.limit_disclosure == "required"


class InputDescriptor(_Model):
    """One credential the verifier asks for in a DIF presentation definition."""

    id: str
    name: str | None = None
    purpose: str | None = None
    group: list[str] = Field(default_factory=list)
    schema_: Any = Field(default=None, alias="schema")
    constraints: DifConstraints = Field(default_factory=DifConstraints)

    @property
    def schema_uris(self) -> list[str]:
        """Every schema URI, flattening ACA-Py's list and ``oneof_filter`` forms."""
        return sorted(set(_uris(self.schema_)))


class SubmissionRequirement(_Model):
    """A rule over descriptor groups; only flat ``from`` rules are supported."""

    name: str | None = None
    rule: Literal["all", "pick"]
    from_: str | None = Field(default=None, alias="from")
    from_nested: list[dict[str, Any]] | None = None
    count: int | None = None
    min: int | None = None
    max: int | None = None


class PresentationDefinition(_Model):
    """A DIF presentation definition."""

    id: str | None = None
    name: str | None = None
    purpose: str | None = None
    format: dict[str, dict[str, Any]] | None = None
    input_descriptors: list[InputDescriptor] = Field(default_factory=list)
    submission_requirements: list[SubmissionRequirement] | None = None

    @property
    def proof_types(self) -> list[str] | None:
        """Proof types the verifier accepts, or None when it does not say."""
        for key in ("ldp_vp", "ldp_vc", "ldp"):
            spec = (self.format or {}).get(key) or {}
            if "proof_type" in spec:
                return [str(t) for t in spec["proof_type"]]
        return None


class DifOptions(_Model):
    """Replay protection; Credo sends a long decimal challenge, not a UUID: keep as is."""

    challenge: str | None = None
    domain: str | None = None


class DifRequest(_Model):
    """A DIF Presentation Exchange request."""

    options: DifOptions = Field(default_factory=DifOptions)
    presentation_definition: PresentationDefinition


class ProofRequest(_Model):
    """A whole present-proof v2 request: one or both formats plus the exchange data."""

    exchange_id: str
    connection_id: str | None = None
    comment: str | None = None
    anoncreds: AnonCredsRequest | None = None
    anoncreds_key: AnonCredsKey | None = None
    dif: DifRequest | None = None

    @property
    def formats(self) -> list[str]:
        """The formats present, as ACA-Py names them in by_format."""
        found = [self.anoncreds_key] if self.anoncreds_key else []
        return [*found, *(["dif"] if self.dif else [])]


def _uris(node: Any) -> list[str]:
    if isinstance(node, dict):
        if "uri" in node:
            return [str(node["uri"])]
        return [uri for value in node.values() for uri in _uris(value)]
    if isinstance(node, list):
        return [uri for item in node for uri in _uris(item)]
    return []

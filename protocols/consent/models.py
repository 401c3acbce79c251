"""What the learner is shown (``ConsentPrompt``), answers (``ConsentDecision``) and
what history keeps (``Disclosure``).

The request and candidate models live in ``request``, ``credentials`` and ``trust``
and are re-exported here so callers have one place to import from.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from .credentials import (
    AnonCredsCandidate,
    AnonCredsCredentialInfo,
    CandidateSet,
    W3CCandidate,
)
from .request import (
    AnonCredsRequest,
    AttributeSpec,
    DifField,
    DifFilter,
    DifRequest,
    InputDescriptor,
    NonRevoked,
    PredicateSpec,
    PresentationDefinition,
    ProofRequest,
)
from .trust import TrustEntry, TrustList, VerifierInfo
from .wording import Words

__all__ = [
    "AnonCredsCandidate",
    "AnonCredsCredentialInfo",
    "AnonCredsRequest",
    "AttributeSpec",
    "CandidateSet",
    "CandidateView",
    "ConsentDecision",
    "ConsentPrompt",
    "CredentialUse",
    "DifField",
    "DifFilter",
    "DifRequest",
    "Disclosure",
    "InputDescriptor",
    "IssuerHint",
    "ItemChoice",
    "ItemKind",
    "MissingCredential",
    "NonRevoked",
    "OverAsking",
    "PickRule",
    "PredicateSpec",
    "PresentationDefinition",
    "PromptItem",
    "ProofRequest",
    "ProvenFact",
    "Purpose",
    "SharedValue",
    "TrustEntry",
    "TrustList",
    "VerifierInfo",
    "W3CCandidate",
    "Words",
]

type CredentialFormat = Literal["anoncreds", "w3c"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ItemKind(StrEnum):
    """What one entry of the request asks for."""

    ATTRIBUTE = "attribute"
    ATTRIBUTE_GROUP = "attribute_group"
    PREDICATE = "predicate"
    INPUT_DESCRIPTOR = "input_descriptor"


class SharedValue(_Model):
    """A value the verifier will see: the name and the learner's actual value."""

    name: str
    value: str
    always_disclosed: bool = False


class ProvenFact(_Model):
    """A predicate: proven true without the value, said in plain words.

    `sentence` is the English; screens say it in the learner's language from `words` (the
    attribute's name as words), `p_type` and `p_value`.
    """

    name: str
    p_type: str
    p_value: int
    sentence: str
    words: str | None = None  # None in prompts stored before it existed


type Linkable = Literal["whole", "fixed_ids"]


class CandidateView(_Model):
    """One credential that could answer an item, and what using it would share."""

    credential_id: str
    format: CredentialFormat
    title: str
    issuer_id: str | None = None
    issuer: TrustEntry | None = None
    issued: datetime | None = None
    subject_ids: list[str] = Field(default_factory=list)
    usable: bool = True
    reasons: list[str] = Field(default_factory=list)
    will_see: list[SharedValue] = Field(default_factory=list)
    only_proven: list[ProvenFact] = Field(default_factory=list)
    whole_credential: bool = False
    statement: str | None = None
    # `reasons` and `statement` as catalogue keys, for screens in the learner's language.
    reason_words: list[Words] = Field(default_factory=list)
    statement_words: Words | None = None
    # What lets verifiers recognise this credential when it is shown again (None: nothing,
    # as with AnonCreds): "whole", shared as issued; "fixed_ids", its id and subject DID.
    linkable: Linkable | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def stored_id(self) -> str:
        """The id the rest of the wallet uses (`<format>:<ACA-Py id>`: offers, events,
        /api/credentials); `credential_id` is ACA-Py's own, which the presentation needs."""
        return f"{self.format}:{self.credential_id}"


class IssuerHint(_Model):
    """Who could issue a missing credential, named for the learner: the trust list's name,
    else the web address of a did:web issuer; None when neither names it (the raw DID
    stays in `MissingCredential.issuer_dids`, shown only as a technical detail)."""

    name: str | None = None
    trusted: bool = False
    invitation: str | None = None  # the trust list's link: "Connect to <name>"


class MissingCredential(_Model):
    """Why nothing can answer an item, and what credential would.

    `issuers` and `kinds` are what the learner reads (names, labels); the identifier lists
    are the technical details behind them.
    """

    sentence: str
    issuers: list[IssuerHint] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    reason_words: list[Words] = Field(default_factory=list)  # `reasons`, as catalogue keys
    issuer_dids: list[str] = Field(default_factory=list)
    schema_ids: list[str] = Field(default_factory=list)
    schema_names: list[str] = Field(default_factory=list)
    cred_def_ids: list[str] = Field(default_factory=list)


class PromptItem(_Model):
    """One thing the verifier asks for, with the learner's options for it."""

    kind: ItemKind
    referent: str
    title: str
    names: list[str]
    purpose: str | None = None
    required: bool = True
    candidates: list[CandidateView] = Field(default_factory=list)
    default_credential_id: str | None = None
    may_hide: bool = False
    hide_warning: str | None = None
    self_attestable: bool = False
    predicate: ProvenFact | None = None
    selective: bool = False
    missing: MissingCredential | None = None
    sensitive_names: list[str] = Field(default_factory=list)
    warning: str | None = None  # e.g. the candidate list may be incomplete
    warning_words: Words | None = None  # `warning`, as a catalogue key

    def candidate(self, credential_id: str) -> CandidateView | None:
        """The usable candidate with this id, if any."""
        found = (c for c in self.candidates if c.credential_id == credential_id and c.usable)
        return next(found, None)


class OverAsking(_Model):
    """Signs that the verifier asks for more than a learner would expect."""

    attribute_count: int = 0
    too_many: bool = False
    sensitive: list[str] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)

    @property
    def flagged(self) -> bool:
        """Whether the prompt should warn at all."""
        return self.too_many or bool(self.sensitive)


class PickRule(_Model):
    """A DIF ``pick`` submission requirement: answer some of these descriptors."""

    group: str
    descriptor_ids: list[str]
    count: int | None = None
    min: int | None = None
    max: int | None = None

    def allows(self, answered: int) -> bool:
        """Whether answering this many of the group's descriptors satisfies the rule."""
        if self.count is not None:
            return answered == self.count
        return (self.min is None or answered >= self.min) and (
            self.max is None or answered <= self.max
        )

    @property
    def target(self) -> int:
        """How many descriptors the default decision answers."""
        wanted = self.count if self.count is not None else max(self.min or 0, 1)
        return min(wanted, self.max) if self.max is not None else wanted


class Purpose(_Model):
    """Why the verifier says it asks, each part as the verifier gave it: the request's name
    (a heading), the DIF presentation definition's `purpose` (a sentence) and the message's
    comment, kept only when it adds to the other two (see prompt.py).

    Prompts stored before `purpose` existed read back with none: their comment holds both.
    """

    name: str
    purpose: str | None = None
    comment: str | None = None

    @property
    def sentences(self) -> list[str]:
        """The purpose, then the comment: what the learner reads under the name."""
        return [text for text in (self.purpose, self.comment) if text]

    @property
    def said(self) -> str | None:
        """Both sentences as one text (what history keeps as the reason); None if none."""
        return " ".join(self.sentences) or None


class ConsentPrompt(_Model):
    """Everything the learner needs to approve or decline one proof request."""

    # Read back from JSON by the request book (pending.py): keep field names in pydantic's
    # string cache, not the values (credential ids, attribute values).
    model_config = ConfigDict(frozen=True, cache_strings="keys")

    exchange_id: str
    connection_id: str | None = None
    verifier: VerifierInfo
    purpose: Purpose
    formats: list[str]
    items: list[PromptItem]
    over_asking: OverAsking
    errors: list[str] = Field(default_factory=list)
    # The errors that are not a missing credential's (each item says those), as keys.
    error_words: list[Words] = Field(default_factory=list)
    challenge: str | None = None
    domain: str | None = None
    anoncreds_key: Literal["anoncreds", "indy"] | None = None
    pick_rules: list[PickRule] = Field(default_factory=list)
    # The did:key type a fresh DID needs to sign the DIF presentation (signing_key.py).
    signing_key_type: str = "ed25519"

    @property
    def answerable(self) -> bool:
        """True when a presentation could be sent; otherwise only declining is possible."""
        return not self.errors

    def item(self, referent: str) -> PromptItem | None:
        """The item with this referent (AnonCreds referent or DIF descriptor id)."""
        return next((i for i in self.items if i.referent == referent), None)


class ItemChoice(_Model):
    """The learner's answer to one item."""

    credential_id: str | None = None
    revealed: bool = True
    self_attested_value: str | None = None


class ConsentDecision(_Model):
    """The learner's answers, keyed by item referent; unlisted optional items are skipped."""

    choices: dict[str, ItemChoice] = Field(default_factory=dict)


class CredentialUse(_Model):
    """One credential used in a presentation, for history."""

    credential_id: str
    format: CredentialFormat
    title: str
    issuer_id: str | None = None
    items: list[str]
    whole_credential: bool = False


class Disclosure(_Model):
    """What was shared, with whom: names only, never the attribute values."""

    exchange_id: str
    verifier_label: str
    verifier_did: str | None = None
    request_name: str
    revealed: list[str] = Field(default_factory=list)
    hidden: list[str] = Field(default_factory=list)
    predicates: list[str] = Field(default_factory=list)
    self_attested: list[str] = Field(default_factory=list)
    credentials: list[CredentialUse] = Field(default_factory=list)

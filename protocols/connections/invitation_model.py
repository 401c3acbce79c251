"""The shape of an RFC 0434 out-of-band invitation: the fields ACA-Py reads, typed strictly.

Strict because ACA-Py's own schema fails late and loudly: a number where it expects text,
an unpaired goal or a decorator it cannot read gives a 400 or a 500, sometimes after it
saved a record. Fields ACA-Py does not read are dropped here rather than passed on.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, field_validator

from protocols.connections.addresses import text_problem

OOB_TYPES = frozenset({"out-of-band/1.1/invitation", "out-of-band/1.0/invitation"})
SUPPORTED_HANDSHAKES = frozenset({"didexchange/1.0", "didexchange/1.1"})
DIDCOMM_PREFIXES = ("https://didcomm.org/", "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/")
MAX_LIST = 10


def _plain(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Name = Annotated[StrictStr, Field(min_length=1, max_length=200), AfterValidator(_plain)]
Label = Annotated[StrictStr, Field(max_length=500), AfterValidator(_plain)]
Goal = Annotated[StrictStr, Field(min_length=1, max_length=500), AfterValidator(_plain)]
Url = Annotated[StrictStr, Field(min_length=1, max_length=2048), AfterValidator(_plain)]
Did = Annotated[StrictStr, Field(min_length=1, max_length=8192), AfterValidator(_plain)]


def unqualified(message_type: str) -> str:
    """`https://didcomm.org/didexchange/1.1` and the did:sov form both become `didexchange/1.1`."""
    for prefix in DIDCOMM_PREFIXES:
        if message_type.startswith(prefix):
            return message_type[len(prefix) :]
    return message_type


class InvitationService(BaseModel):
    """An inline DIDComm service: where to send, and to which keys (checked in addresses.py)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: Name = "#inline"
    type: Name = "did-communication"
    recipient_keys: list[Name] = Field(alias="recipientKeys", min_length=1, max_length=MAX_LIST)
    routing_keys: list[Name] = Field(default_factory=list, alias="routingKeys", max_length=MAX_LIST)
    service_endpoint: Url = Field(alias="serviceEndpoint")


class Invitation(BaseModel):
    """An RFC 0434 out-of-band invitation, each field of the type ACA-Py expects."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    type: StrictStr = Field(alias="@type", max_length=200)
    id: Name = Field(alias="@id")
    label: Label | None = None
    image_url: StrictStr | None = Field(default=None, alias="imageUrl", max_length=2048)
    goal_code: Goal | None = None
    goal: Goal | None = None
    accept: list[Name] | None = Field(default=None, max_length=MAX_LIST)
    handshake_protocols: list[Name] = Field(default_factory=list, max_length=MAX_LIST)
    services: list[InvitationService | Did] = Field(min_length=1, max_length=MAX_LIST)
    requests_attach: list[Any] = Field(
        default_factory=list, alias="requests~attach", max_length=MAX_LIST
    )

    @field_validator("type")
    @classmethod
    def _is_oob(cls, value: str) -> str:
        if unqualified(value) not in OOB_TYPES:
            raise ValueError(f"{value[:100]!r} is not an out-of-band invitation type")
        return value

    def as_message(self) -> dict[str, Any]:
        """The invitation as ACA-Py's admin API takes it: its fields, the handshakes the
        wallet speaks, a goal only with its code (ACA-Py refuses one without the other)."""
        message = self.model_dump(
            by_alias=True, exclude_none=True, exclude={"requests_attach", "goal", "goal_code"}
        )
        message["handshake_protocols"] = self.supported_handshakes()
        if self.goal and self.goal_code:
            message.update(goal=self.goal, goal_code=self.goal_code)
        return message

    def supported_handshakes(self) -> list[str]:
        return [p for p in self.handshake_protocols if unqualified(p) in SUPPORTED_HANDSHAKES]

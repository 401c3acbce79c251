"""Why an invitation could not be used, in words the learner can act on."""

from __future__ import annotations

from typing import Literal

InvitationErrorCode = Literal[
    "malformed_invitation",
    "invitation_too_large",
    "unsupported_protocol",
    "unsupported_transport",
    "unreachable_endpoint",
    "short_link_failed",
    "invitation_refused",
    "agent_unavailable",
]
STATUS: dict[InvitationErrorCode, int] = {
    "malformed_invitation": 400,
    "invitation_too_large": 413,
    "unsupported_protocol": 422,
    "unsupported_transport": 422,
    "unreachable_endpoint": 502,
    "short_link_failed": 502,
    "invitation_refused": 422,
    "agent_unavailable": 503,
}


class InvitationError(Exception):
    """An invitation was rejected before anything was created; `hint` says what to try."""

    def __init__(self, code: InvitationErrorCode, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code: InvitationErrorCode = code
        self.message = message
        self.hint = hint

    @property
    def status(self) -> int:
        return STATUS[self.code]

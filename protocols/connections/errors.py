"""Why an invitation could not be used: a code (and a finer reason) the screens put into the
learner's words, and a technical detail for experts."""

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
# A short link that answers, but with no invitation, is the link's fault (a 4xx); one that
# cannot be reached or fails on its side may work later (a 5xx, as for an endpoint).
REASON_STATUS: dict[tuple[InvitationErrorCode, str], int] = {
    ("short_link_failed", "not_found"): 422,
    ("short_link_failed", "not_invitation"): 422,
}


class InvitationError(Exception):
    """An invitation was rejected before anything was created.

    `code` and `reason` choose the learner's sentence (`error.<code>.<reason>` in the UI's
    catalogues), `params` fill it; `detail` says exactly what was wrong, for experts.
    """

    def __init__(
        self,
        code: InvitationErrorCode,
        detail: str,
        reason: str | None = None,
        **params: object,
    ) -> None:
        super().__init__(detail)
        self.code: InvitationErrorCode = code
        self.detail = detail
        self.reason = reason
        self.params = params

    @property
    def status(self) -> int:
        return REASON_STATUS.get((self.code, self.reason or ""), STATUS[self.code])

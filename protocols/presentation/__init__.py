"""Proof requests: prompts for the learner, their answers, and the exchange's progress."""

from protocols.presentation.answers import AnswerError, approve, decline
from protocols.presentation.flow import presentation_flow
from protocols.presentation.pending import PendingRequest, RequestBook, RequestStatus
from protocols.presentation.trust import load_trust_list

__all__ = [
    "AnswerError",
    "PendingRequest",
    "RequestBook",
    "RequestStatus",
    "approve",
    "decline",
    "load_trust_list",
    "presentation_flow",
]

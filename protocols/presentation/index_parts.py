"""Which halves of a request's candidates the wallet's own index answers instead of ACA-Py.

Decided from the request alone (no I/O), so the prompt-inputs plugin inside ACA-Py and the
controller agree: the controller offers the parts its index can serve at all, the plugin
leaves exactly those of them to it that this request allows, and searches the rest.
"""

from __future__ import annotations

from collections.abc import Collection

from protocols.consent.request import ProofRequest
from protocols.presentation.anoncreds_index import index_can_answer
from protocols.presentation.candidates import Part
from protocols.presentation.narrowing import plan_request


def searched_parts(request: ProofRequest) -> set[Part]:
    """The parts this request has at all."""
    parts: set[Part] = set()
    if request.anoncreds is not None:
        parts.add("anoncreds")
    if request.dif is not None:
        parts.add("dif")
    return parts


def index_answers(request: ProofRequest, offered: Collection[str]) -> set[Part]:
    """The offered parts the index can answer exactly for this request."""
    parts: set[Part] = set()
    if "anoncreds" in offered and request.anoncreds is not None and index_can_answer(request):
        parts.add("anoncreds")
    if "dif" in offered and request.dif is not None and plan_request(request.dif) is not None:
        parts.add("dif")
    return parts

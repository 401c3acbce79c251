"""The consent engine: proof request + candidates -> prompt; prompt + decision -> body.

Pure functions over pydantic models: no I/O and no ACA-Py import, so every rule about
what the learner is shown and what is sent can be tested on its own.
"""

from .credentials import CandidateSet, parse_candidates
from .disclosure import disclosure_of
from .jsonpath import JsonPath, JsonPathError, parse_path
from .models import (
    ConsentDecision,
    ConsentPrompt,
    Disclosure,
    ItemChoice,
    ItemKind,
    PromptItem,
)
from .presentation import DecisionError, default_decision, presentation_body
from .prompt import build_prompt
from .trust import TrustEntry, TrustList, VerifierInfo
from .validation import HostileRequestError, parse_request

__all__ = [
    "CandidateSet",
    "ConsentDecision",
    "ConsentPrompt",
    "DecisionError",
    "Disclosure",
    "HostileRequestError",
    "ItemChoice",
    "ItemKind",
    "JsonPath",
    "JsonPathError",
    "PromptItem",
    "TrustEntry",
    "TrustList",
    "VerifierInfo",
    "build_prompt",
    "default_decision",
    "disclosure_of",
    "parse_candidates",
    "parse_path",
    "parse_request",
    "presentation_body",
]

"""What the engine says and what fields are called, in the learner's language.

The consent engine and the API speak in catalogue keys (`Words`) and field names
(`credentialSubject.courseTitle`); templates show a sentence and a label ("Course title")
through these helpers, and keep names, DIDs and types for the technical details.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from protocols.consent.credentials import BBS_PROOF
from protocols.consent.labels import field_words, is_technical, label_id
from protocols.consent.request import UNNAMED_REQUEST
from protocols.consent.trust import UNNAMED_VERIFIER
from protocols.consent.wording import FIELD_PARAMS
from ui.web.i18n import Catalogue
from wallet.credentials.normalize import parse_date
from wallet.credentials.titles import (
    GENERIC_TYPES,
    UNTITLED_ANONCREDS,
    UNTITLED_W3C,
    type_words,
)

DATE_LABELS = frozenset({"issue_date", "expiry_date", "completion_date", "birth_date"})
TYPE_LABELS = frozenset({"credential_type", "subject_type", "achievement_type", "issuer_type"})
PREDICATE = re.compile(r"^(?P<name>.+) (?P<op>>=|<=|>|<) (?P<value>-?\d+)$")
PREDICATE_KINDS = {">=": "ge", ">": "gt", "<=": "le", "<": "lt"}
OPEN_BADGE_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


class Wording:
    """The helpers one page gets, bound to the learner's catalogue."""

    def __init__(self, words: Catalogue) -> None:
        self.words = words

    def field_label(self, name: object, in_sentence: bool = False) -> str:
        """A field's label; inside an English sentence it starts in lower case."""
        text = str(name)
        found = label_id(text)
        key = f"field.{found}" if found else ""
        label = self.words.strings.get(key) or field_words(text)
        if in_sentence and self.words.language == "en" and not label[:2].isupper():
            return label[:1].lower() + label[1:]
        return label

    def field_list(self, names: object) -> str:
        """Several fields' labels, as a list in a sentence."""
        listed = names if isinstance(names, list | tuple) else [names]
        return ", ".join(dict.fromkeys(self.field_label(name) for name in listed))

    @staticmethod
    def claims_of(attributes: object) -> list[tuple[str, object]]:
        """A credential's fields that say something, by name: ids and types are left out."""
        if not isinstance(attributes, Mapping):
            return []
        return sorted((str(k), v) for k, v in attributes.items() if not is_technical(str(k)))

    def field_value(self, name: object, value: object) -> str:
        """A value as shown beside its label: a DID is named, types are said in words."""
        text = "" if value is None else str(value)
        if label_id(str(name)) in TYPE_LABELS:
            kinds = [type_words(k) for k in text.split(", ") if k and k not in GENERIC_TYPES]
            return ", ".join(dict.fromkeys(kinds)) or self.words.text("field.value.generic_type")
        if text.startswith("did:"):
            return self.words.text("field.value.did")
        moment = parse_date(text) if "T" in text else None  # a day alone stays as written
        if moment is not None and label_id(str(name)) in DATE_LABELS:
            return self.words.date(moment)
        return text

    def said(self, words: Mapping[str, Any] | None, fallback: object = "") -> str:
        """An engine sentence (`{key, params}` as the API serves it) in this language."""
        if not isinstance(words, Mapping) or not isinstance(words.get("key"), str):
            return str(fallback or "")
        params = dict(words.get("params") or {})
        for name in FIELD_PARAMS & params.keys():
            params[name] = self.field_label(params[name], in_sentence=True)
        return self.words.text(words["key"], **params)

    def predicate(self, label: object) -> str:
        """History's `score >= 70` as "Score: at least 70"."""
        match = PREDICATE.match(str(label))
        if match is None:
            return str(label)
        kind = PREDICATE_KINDS[match["op"]]
        field = self.field_label(match["name"])
        return self.words.text(f"history.predicate.{kind}", field=field, value=match["value"])

    def kind_of(self, card: Mapping[str, Any]) -> str:
        """What kind of credential: an Open Badge, a micro-credential, AnonCreds..."""
        types = [str(t) for t in card.get("types") or []]
        if OPEN_BADGE_TYPES & set(types):
            return self.words.text("kind.open_badge")
        if "MicroCredential" in types:
            return self.words.text("kind.micro_credential")
        specific = [t for t in types if t not in GENERIC_TYPES]
        if specific:
            return type_words(specific[-1])
        known = {"anoncreds": "anoncreds", "w3c": "w3c", "ld_proof": "w3c"}.get(
            str(card.get("format")), "other"
        )
        return self.words.text(f"format.{known}")

    def sharing_of(self, card: Mapping[str, Any]) -> str:
        """How much of it a verifier sees, which tells apart two copies of one course
        (a BBS one shares only what is asked, an Ed25519 one always whole)."""
        proof = str(card.get("proof_type") or "")
        if card.get("format") == "anoncreds":
            return self.words.text("credential.sharing.anoncreds")
        if proof == BBS_PROOF:
            return self.words.text("credential.sharing.selective")
        return self.words.text("credential.sharing.whole")

    def party(self, label: object) -> str:
        """A verifier's or issuer's name; the engine's stand-in for none, in words."""
        text = str(label or "").strip()
        if text and text != UNNAMED_VERIFIER:
            return text
        return self.words.text("common.unknown_party")

    def request_title(self, name: object) -> str:
        """A request's own name; the engine's stand-in for none, in words."""
        text = str(name or "").strip()
        return text if text and text != UNNAMED_REQUEST else self.words.text("consent.title")

    def credential_title(self, title: object) -> str:
        """A credential's title; the stand-ins for an untitled one, in words."""
        text = str(title or "")
        if text == UNTITLED_ANONCREDS:
            return self.words.text("kind.anoncreds")
        if text == UNTITLED_W3C:
            return self.words.text("field.value.generic_type")
        return text

    def helpers(self) -> dict[str, Callable[..., Any]]:
        return {
            "field_label": self.field_label,
            "field_value": self.field_value,
            "technical_field": is_technical,
            "said": self.said,
            "predicate_words": self.predicate,
            "kind_of": self.kind_of,
            "sharing_of": self.sharing_of,
            "field_list": self.field_list,
            "claims_of": self.claims_of,
            "party": self.party,
            "request_title": self.request_title,
            "credential_title": self.credential_title,
        }

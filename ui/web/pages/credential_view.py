"""A credential as its kind is shown: an Open Badge, a micro-credential or an AnonCreds one.

The API serves every credential in one shape (`StoredCredential` as JSON); a learner showing
an employer their phone needs each kind said its own way: a badge's criteria and skills, a
micro-credential's workload and level, an AnonCreds credential in its issuer's labels and
colours (OCA). Everything here is in the learner's language; ids, DIDs and proof types stay
for the template's technical details.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, ValidationError

from protocols.consent.labels import is_technical
from ui.web.i18n import Catalogue
from ui.web.pages.wording import Wording
from wallet.credentials.achievement import Workload
from wallet.credentials.badge import BadgeFacts, badge_facts, is_open_badge
from wallet.credentials.micro import MicroFacts, is_micro_claim, micro_facts
from wallet.credentials.models import StoredCredential
from wallet.credentials.oca import OcaBundle, OcaLibrary

Kind = Literal["open_badge", "micro_credential", "anoncreds", "other"]
_DAY = re.compile(r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})$")
CARD_SKILLS = 3
CARD_DESCRIPTION_CHARS = 90
# Claims a badge's own sections already say (so "What it says" does not repeat them).
BADGE_SHOWN = (
    "achievement.name",
    "achievement.description",
    "achievement.criteria",
    "achievement.alignment",
    "achievement.image",
    "achievement.achievementType",
    "achievement.creditsAvailable",
    "result",
)


class Fact(BaseModel):
    """A labelled value, or a named thing without a link."""

    label: str
    value: str


class Link(BaseModel):
    """A web address shown for the learner to open in their browser, never fetched here."""

    text: str
    url: str
    host: str
    note: str | None = None


class CredentialView(BaseModel):
    """What the card and the detail page show, worded; `None`/empty where nothing applies."""

    kind: Kind
    title: str
    image: str | None = None
    image_alt: str = ""
    brand_band: str | None = None
    description: str | None = None
    card_description: str | None = None
    badge: BadgeFacts | None = None
    skills: list[Link | Fact] = []
    evidence: list[Link | Fact] = []
    micro: MicroFacts | None = None
    workload: Workload = Workload()
    card_fields: list[Fact] = []  # an OCA bundle's primary and secondary attributes
    card_skills: list[str] = []
    more_skills: bool = False
    fields: list[Fact] = []
    oca: bool = False


class CredentialViews:
    """Builds views in one language from one OCA library."""

    def __init__(self, words: Catalogue, library: OcaLibrary) -> None:
        self.words = words
        self.wording = Wording(words)
        self.library = library

    def of(self, card: Mapping[str, Any]) -> CredentialView | None:
        """The view of one API credential; None if it is not one (then the page says so)."""
        try:
            credential = StoredCredential.model_validate(card)
        except ValidationError:
            return None
        return self.view(credential)

    def view(self, credential: StoredCredential) -> CredentialView:
        title = self.wording.credential_title(credential.title)
        view = CredentialView(kind="other", title=title, image=credential.image)
        view.image_alt = self.words.text("credentials.badge_alt", title=title)
        bundle = self.library.for_credential(credential)
        if bundle is not None:
            self._anoncreds(view, credential, bundle)
        elif credential.format == "anoncreds":
            view.kind = "anoncreds"
        elif is_open_badge(credential):
            self._badge(view, credential)
        micro = micro_facts(credential)
        if view.kind != "open_badge" and (micro.known or "MicroCredential" in credential.types):
            view.kind = "micro_credential" if view.kind == "other" else view.kind
            view.micro = micro
        view.workload = micro.workload
        if not view.oca:
            said = view.micro is not None
            view.fields = self._fields(credential, BADGE_SHOWN if view.badge else (), said)
        self._card(view, credential, bundle)
        return view

    def _badge(self, view: CredentialView, credential: StoredCredential) -> None:
        facts = badge_facts(credential)
        view.kind = "open_badge"
        view.badge = facts
        view.description = facts.description
        view.skills = [
            _link(a.name, a.url, " · ".join(filter(None, (a.framework, a.code))) or None)
            for a in facts.alignments
        ]
        view.evidence = [
            _link(e.name or "", e.url, e.description) for e in facts.evidence if e.url
        ] + [
            Fact(label=e.name or "", value=e.description or "") for e in facts.evidence if not e.url
        ]

    def _anoncreds(
        self, view: CredentialView, credential: StoredCredential, bundle: OcaBundle
    ) -> None:
        language = self.words.language
        view.kind = "anoncreds"
        view.oca = True
        view.description = bundle.description(language)
        if bundle.branding.logo:
            view.image = bundle.branding.logo
            issuer = bundle.issuer(language) or credential.issuer_label or view.title
            view.image_alt = self.words.text("oca.logo_alt", issuer=issuer)
        view.brand_band = colour_band(bundle.branding.colour)
        order = {name: index for index, name in enumerate(bundle.attributes)}
        names = sorted(credential.attributes, key=lambda name: (order.get(name, 10**6), name))
        view.fields = [
            Fact(
                label=bundle.label(name, language) or self.wording.field_label(name),
                value=self._oca_value(bundle, name, credential.attributes[name]),
            )
            for name in names
            if not is_technical(name)
        ]

    def _oca_value(self, bundle: OcaBundle, name: str, value: str) -> str:
        """A `DateTime` attribute written as a day (`2025-06-30` or dateint `20250630`) is
        said as a date in the learner's language; everything else as the wording says it."""
        if bundle.attribute_types.get(name) == "DateTime" and (day := _day(value)):
            return self.words.date(day)
        return self.wording.field_value(name, value)

    def _fields(
        self, credential: StoredCredential, shown: tuple[str, ...], micro_said: bool
    ) -> list[Fact]:
        """The claims no section above has said yet (the badge's, the workload and level)."""
        return [
            Fact(label=self.wording.field_label(name), value=self.wording.field_value(name, value))
            for name, value in self.wording.claims_of(credential.attributes)
            if not _under(name, shown) and not (micro_said and is_micro_claim(name))
        ]

    def _card(
        self, view: CredentialView, credential: StoredCredential, bundle: OcaBundle | None
    ) -> None:
        """What the card's one line of facts says for this kind (credential_macros.html)."""
        if bundle is not None:
            for name in (bundle.branding.primary_attribute, bundle.branding.secondary_attribute):
                if name and (value := credential.attributes.get(name)):
                    label = bundle.label(name, self.words.language) or self.wording.field_label(
                        name
                    )
                    view.card_fields.append(
                        Fact(label=label, value=self.wording.field_value(name, value))
                    )
            return
        names = [skill.text if isinstance(skill, Link) else skill.label for skill in view.skills]
        view.card_skills = names[:CARD_SKILLS]
        view.more_skills = len(names) > CARD_SKILLS
        if view.description and len(view.description) > CARD_DESCRIPTION_CHARS:
            cut = view.description[:CARD_DESCRIPTION_CHARS].rsplit(" ", 1)[0]
            view.card_description = f"{cut} …"
        else:
            view.card_description = view.description


def colour_band(colour: str | None) -> str | None:
    """The issuer's colour as a tiny SVG picture: the CSP allows `data:` images, not styles."""
    if not colour:
        return None
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8' preserveAspectRatio='none'>"
        f"<rect width='8' height='8' fill='{colour}'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="/:='")


def _link(text: str, url: str | None, note: str | None) -> Link | Fact:
    """A link when there is a web address; else the thing named, with its note."""
    if url is None:
        return Fact(label=text, value=note or "")
    return Link(text=text, url=url, host=urlsplit(url).hostname or "", note=note)


def _day(value: str) -> datetime | None:
    match = _DAY.match(value.strip())
    if match is None:
        return None
    try:
        return datetime(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith((f"{p}.", f"{p}[")) for p in prefixes)

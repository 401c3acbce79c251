"""Issuer-supplied labels and branding for AnonCreds credentials: OCA bundles (Aries RFC 0755).

An AnonCreds credential carries attribute names (`course_title`) and nothing to show them
with; an OCA bundle gives their labels per language, the credential's name and description
(meta overlay) and the issuer's branding (colour, logo, which attributes to put on the card).

Where bundles come from: ACA-Py 1.7 does not deliver OCA bundles during issuance and the
wallet fetches nothing from the network, so bundles come from a bundled set: the JSON files
shipped in `wallet/credentials/oca_bundles/` and those the learner puts in `<data dir>/oca/`
(which win). Each file says which credentials it is for:

    {"applies_to": {"cred_def_ids": [...], "schema_ids": [...], "schema_names": [...]},
     "bundle": <an RFC 0755 OCA bundle, or a list of them (the first is used)>}

Credential definition and schema ids match exactly. A did:web AnonCreds id contains the
issuer's host and port and a content hash, so the demo issuer's ids change on every run;
its bundle is therefore keyed by schema name, and a schema-name match also requires the
credential's attribute names to be exactly the capture base's attributes (for AnonCreds the
capture base MUST list the schema's attributes), so a credential of another schema that
happens to share the name is not dressed in this issuer's labels. Branding is cosmetic: the
trust list, not a bundle, says whom to trust. Only embedded `data:image/` logos are kept.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from wallet.credentials.models import StoredCredential

LOG = logging.getLogger(__name__)
SHIPPED = "wallet.credentials.oca_bundles"
DATA_DIR_FOLDER = "oca"  # <data dir>/oca/*.json
FALLBACK_LANGUAGE = "en"
MAX_FILE_BYTES = 1024 * 1024
MAX_FILES = 200
MAX_LOGO_CHARS = 256 * 1024
_COLOUR = re.compile(r"^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")


class OcaBranding(BaseModel):
    """The Aries branding overlay, checked: a colour is a hex code, a logo is embedded."""

    colour: str | None = None
    secondary_colour: str | None = None
    logo: str | None = None
    primary_attribute: str | None = None
    secondary_attribute: str | None = None


class OcaBundle(BaseModel):
    """One credential type's overlays, by language (`en`, `de`; regions folded in)."""

    attributes: list[str] = Field(default_factory=list)
    attribute_types: dict[str, str] = Field(default_factory=dict)  # capture base: Text, DateTime
    names: dict[str, str] = Field(default_factory=dict)
    descriptions: dict[str, str] = Field(default_factory=dict)
    issuers: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, dict[str, str]] = Field(default_factory=dict)
    formats: dict[str, str] = Field(default_factory=dict)
    branding: OcaBranding = Field(default_factory=OcaBranding)

    def name(self, language: str) -> str | None:
        return _in_language(self.names, language)

    def description(self, language: str) -> str | None:
        return _in_language(self.descriptions, language)

    def issuer(self, language: str) -> str | None:
        return _in_language(self.issuers, language)

    def label(self, attribute: str, language: str) -> str | None:
        """The issuer's label in the learner's language, else in English, else none."""
        for chosen in (language, FALLBACK_LANGUAGE):
            if found := self.labels.get(chosen, {}).get(attribute):
                return found
        return None


class OcaAppliesTo(BaseModel):
    cred_def_ids: list[str] = Field(default_factory=list)
    schema_ids: list[str] = Field(default_factory=list)
    schema_names: list[str] = Field(default_factory=list)


class OcaEntry(BaseModel):
    applies_to: OcaAppliesTo
    bundle: OcaBundle


class OcaLibrary(BaseModel):
    """The bundles the wallet knows, in order of precedence."""

    entries: list[OcaEntry] = Field(default_factory=list)

    def for_credential(self, credential: StoredCredential) -> OcaBundle | None:
        """The bundle for this AnonCreds credential: by cred def id, schema id, schema name."""
        if credential.format != "anoncreds":
            return None
        names = set(credential.attributes)
        for matches in (
            lambda to: credential.cred_def_id in to.cred_def_ids,
            lambda to: credential.schema_id in to.schema_ids,
        ):
            for entry in self.entries:
                if matches(entry.applies_to):
                    return entry.bundle
        for entry in self.entries:
            if credential.schema_name in entry.applies_to.schema_names and names == set(
                entry.bundle.attributes
            ):
                return entry.bundle
        return None

    def __add__(self, other: OcaLibrary) -> OcaLibrary:
        return OcaLibrary(entries=[*self.entries, *other.entries])


def parse_bundle(document: Any) -> OcaBundle:
    """An RFC 0755 bundle (overlays as a list, or keyed by type) into what is shown."""
    if isinstance(document, list):
        document = document[0] if document else {}
    if not isinstance(document, Mapping):
        raise ValueError("an OCA bundle is a JSON object")
    capture = document.get("capture_base") or {}
    attributes = capture.get("attributes") if isinstance(capture, Mapping) else None
    types = attributes if isinstance(attributes, Mapping) else {}
    bundle = OcaBundle(
        attributes=[str(name) for name in attributes or {}],
        attribute_types={str(k): str(v) for k, v in types.items() if isinstance(v, str)},
    )
    for overlay in _overlays(document.get("overlays")):
        _apply(bundle, overlay)
    return bundle


def parse_entry(document: Any) -> OcaEntry:
    if not isinstance(document, Mapping):
        raise ValueError("an OCA file is a JSON object with applies_to and bundle")
    applies_to = OcaAppliesTo.model_validate(document.get("applies_to") or {})
    return OcaEntry(applies_to=applies_to, bundle=parse_bundle(document.get("bundle")))


def load_library(folder: Traversable | Path) -> OcaLibrary:
    """Every readable `*.json` in the folder, by file name; a bad file is logged and skipped."""
    if not folder.is_dir():
        return OcaLibrary()
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=_name)
    entries: list[OcaEntry] = []
    for file in files[:MAX_FILES]:
        try:
            data = file.read_bytes()
            if len(data) > MAX_FILE_BYTES:
                raise ValueError(f"larger than {MAX_FILE_BYTES} bytes")
            entries.append(parse_entry(json.loads(data)))
        except (OSError, ValueError, ValidationError) as error:
            LOG.warning("OCA bundle %s skipped: %s", file.name, str(error)[:200])
    return OcaLibrary(entries=entries)


@cache
def shipped_library() -> OcaLibrary:
    """The bundles that come with the wallet (read once)."""
    return load_library(resources.files(SHIPPED))


def library_for(data_dir_root: Path | None) -> OcaLibrary:
    """The learner's own bundles (first) and the shipped ones; re-read when files change."""
    if data_dir_root is None:
        return shipped_library()
    folder = data_dir_root / DATA_DIR_FOLDER
    try:
        listing = tuple(
            (f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in sorted(folder.glob("*.json"))
        )
    except OSError:
        listing = ()
    if not listing:
        return shipped_library()
    return _own_library(folder, listing) + shipped_library()


@lru_cache(maxsize=4)
def _own_library(folder: Path, listing: tuple[tuple[str, int, int], ...]) -> OcaLibrary:
    """Read again only when a file's name, time or size (`listing`) changed."""
    return load_library(folder)


def _apply(bundle: OcaBundle, overlay: Mapping[str, Any]) -> None:
    kind = str(overlay.get("type") or "")
    language = _language(overlay.get("language"))
    if "/meta/" in kind and language:
        for field, target in (
            ("name", bundle.names),
            ("description", bundle.descriptions),
            ("issuer", bundle.issuers),
        ):
            if text := _text(overlay.get(field)):
                target.setdefault(language, text)
    elif "/label/" in kind and language:
        labels = overlay.get("attribute_labels")
        if isinstance(labels, Mapping):
            own = bundle.labels.setdefault(language, {})
            for name, label in labels.items():
                if text := _text(label):
                    own.setdefault(str(name), text)
    elif "/format/" in kind:
        formats = overlay.get("attribute_formats")
        if isinstance(formats, Mapping):
            bundle.formats.update({str(k): str(v) for k, v in formats.items() if _text(v)})
    elif "/branding/" in kind:
        bundle.branding = _branding(overlay)


def _branding(overlay: Mapping[str, Any]) -> OcaBranding:
    colour = _colour(overlay.get("primary_background_color") or overlay.get("background_color"))
    logo = _text(overlay.get("logo")) or _text(overlay.get("image_source"))
    embedded = logo if logo and logo[:11].lower() == "data:image/" else None
    return OcaBranding(
        colour=colour,
        secondary_colour=_colour(overlay.get("secondary_background_color")),
        logo=embedded if embedded and len(embedded) <= MAX_LOGO_CHARS else None,
        primary_attribute=_text(overlay.get("primary_attribute")),
        secondary_attribute=_text(overlay.get("secondary_attribute")),
    )


def _overlays(value: Any) -> Iterable[Mapping[str, Any]]:
    """A list of overlays, or (newer OCA) a map of type → overlay or list of overlays."""
    items = list(value.values()) if isinstance(value, Mapping) else value or []
    for item in items if isinstance(items, list) else []:
        for overlay in item if isinstance(item, list) else [item]:
            if isinstance(overlay, Mapping):
                yield overlay


def _in_language(texts: Mapping[str, str], language: str) -> str | None:
    return texts.get(language) or texts.get(FALLBACK_LANGUAGE)


def _language(value: Any) -> str | None:
    """`en`, `en-CA`, `en_CA` and `eng` are all English here (the screens speak en and de)."""
    text = _text(value)
    if not text:
        return None
    code = re.split(r"[-_]", text.lower())[0]
    return {"eng": "en", "deu": "de", "ger": "de"}.get(code, code)


def _colour(value: Any) -> str | None:
    text = _text(value)
    return text.lower() if text and _COLOUR.match(text) else None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _name(file: Traversable) -> str:
    return file.name

"""OCA bundles (Aries RFC 0755): labels per language, branding checked, matched with care."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_credential_normalize import anoncreds_info, w3c_record
from wallet.credentials.models import StoredCredential
from wallet.credentials.normalize import from_anoncreds, from_w3c
from wallet.credentials.oca import (
    DATA_DIR_FOLDER,
    OcaLibrary,
    library_for,
    load_library,
    parse_bundle,
    parse_entry,
    shipped_library,
)

CB = "EcaptureBase"
COURSE_ATTRS = {
    "course_title": "Data Literacy",
    "provider": "Open Learning Institute",
    "score": "87",
    "completion_date": "2025-06-30",
    "learner_name": "Ada",
}


def _bundle(**branding: Any) -> dict[str, Any]:
    return {
        "capture_base": {
            "type": "spec/capture_base/1.0",
            "digest": CB,
            "attributes": {"name": "Text", "points": "Numeric"},
        },
        "overlays": [
            {"type": "spec/overlays/meta/1.0", "language": "en-CA", "name": "Club card"},
            {"type": "spec/overlays/meta/1.0", "language": "de", "name": "Vereinsausweis"},
            {
                "type": "spec/overlays/label/1.0",
                "language": "en",
                "attribute_labels": {"name": "Member", "points": "Points"},
            },
            {
                "type": "spec/overlays/label/1.0",
                "language": "de",
                "attribute_labels": {"name": "Mitglied"},
            },
            {"type": "aries/overlays/branding/1.0", **branding},
            {"type": "spec/overlays/unknown/9.9", "whatever": True},  # ignored, per the RFC
        ],
    }


def _course(**changes: Any) -> StoredCredential:
    info = anoncreds_info(attrs=changes.pop("attrs", COURSE_ATTRS), **changes)
    return from_anoncreds(info, schema_name=changes.pop("schema_name", "Course result"))


def test_labels_in_the_learner_s_language_then_english_then_none() -> None:
    bundle = parse_bundle(_bundle())
    assert bundle.attributes == ["name", "points"]
    assert bundle.label("name", "de") == "Mitglied"
    assert bundle.label("points", "de") == "Points"  # no German label: English
    assert bundle.label("other", "de") is None  # the caller turns the name into words
    assert bundle.name("de") == "Vereinsausweis"
    assert bundle.name("en") == "Club card"  # en-CA counts as English
    assert bundle.name("fr") == "Club card"


def test_branding_keeps_only_hex_colours_and_embedded_logos() -> None:
    good = parse_bundle(
        [_bundle(primary_background_color="#1F4E79", logo="data:image/png;base64,AAAA")]
    )
    assert good.branding.colour == "#1f4e79"
    assert good.branding.logo == "data:image/png;base64,AAAA"
    bad = parse_bundle(
        _bundle(primary_background_color="red;background:url(x)", logo="https://x.example/l.png")
    )
    assert bad.branding.colour is None and bad.branding.logo is None


def test_overlays_keyed_by_type_as_newer_bundles_write_them() -> None:
    document = _bundle(primary_attribute="name")
    overlays = document["overlays"]
    document["overlays"] = {"meta": overlays[:2], "label": overlays[2:4], "branding": overlays[4]}
    bundle = parse_bundle(document)
    assert bundle.label("name", "en") == "Member"
    assert bundle.branding.primary_attribute == "name"


def test_the_shipped_demo_bundle_matches_the_demo_course_result_by_name_and_attributes() -> None:
    library = shipped_library()
    bundle = library.for_credential(_course())
    assert bundle is not None
    assert bundle.label("course_title", "de") == "Kurs"
    assert bundle.branding.colour and bundle.branding.logo
    assert bundle.branding.primary_attribute in COURSE_ATTRS
    # Same name, other attributes: another schema, not dressed in this issuer's labels.
    assert library.for_credential(_course(attrs={"course_title": "X", "score": "1"})) is None
    assert library.for_credential(_course(schema_name="Sports result")) is None
    assert library.for_credential(from_w3c(w3c_record({"credentialSubject": {}}))) is None


def test_ids_match_exactly_and_earlier_entries_win(tmp_path: Path) -> None:
    course = _course()
    first = parse_entry({"applies_to": {"cred_def_ids": [course.cred_def_id]}, "bundle": _bundle()})
    second = parse_entry({"applies_to": {"schema_ids": [course.schema_id]}, "bundle": _bundle()})
    second.bundle.names["en"] = "Second"
    assert OcaLibrary(entries=[second, first]).for_credential(course) is first.bundle
    assert OcaLibrary(entries=[second]).for_credential(course) is second.bundle
    assert OcaLibrary(entries=[second]).for_credential(_course(schema_id="other")) is None


def test_bad_files_are_skipped_and_the_data_dir_comes_first(tmp_path: Path) -> None:
    folder = tmp_path / DATA_DIR_FOLDER
    folder.mkdir()
    (folder / "a_broken.json").write_text("{not json", "utf-8")
    (folder / "b_not_a_bundle.json").write_text("[1, 2]", "utf-8")
    entry = {"applies_to": {"schema_names": ["Course result"]}, "bundle": _bundle()}
    entry["bundle"]["capture_base"]["attributes"] = dict.fromkeys(COURSE_ATTRS, "Text")
    (folder / "c_mine.json").write_text(json.dumps(entry), "utf-8")
    (folder / "notes.txt").write_text("not a bundle", "utf-8")
    assert len(load_library(folder).entries) == 1
    library = library_for(tmp_path)
    assert library.for_credential(_course()) is library.entries[0].bundle  # mine, not shipped
    assert library_for(tmp_path / "elsewhere") is shipped_library()
    assert library_for(None) is shipped_library()


@pytest.mark.parametrize("document", [None, 3, "x", {"applies_to": {"cred_def_ids": "x"}}])
def test_an_entry_that_is_not_one_is_refused(document: Any) -> None:
    with pytest.raises(ValueError):
        parse_entry(document)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=15,
)
overlay = st.fixed_dictionaries(
    {"type": st.sampled_from(["spec/overlays/meta/1.0", "spec/overlays/label/1.0",
                              "aries/overlays/branding/1.0", "spec/overlays/format/1.0"])},
    optional={"language": json_values, "name": json_values, "attribute_labels": json_values,
              "attribute_formats": json_values, "primary_background_color": json_values,
              "logo": json_values, "primary_attribute": json_values},
)  # fmt: skip


@given(st.fixed_dictionaries({"capture_base": json_values, "overlays": st.lists(overlay)}))
def test_any_bundle_parses_or_is_refused_with_a_value_error(document: dict[str, Any]) -> None:
    """An issuer's file is data from outside: parsing it never fails in another way."""
    try:
        bundle = parse_bundle(document)
    except ValueError:
        return
    colour = bundle.branding.colour
    assert colour is None or (colour.startswith("#") and len(colour) in (4, 7))
    assert bundle.branding.logo is None or bundle.branding.logo.startswith("data:image/")

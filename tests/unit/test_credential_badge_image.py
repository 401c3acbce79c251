"""Badge pictures on credential cards: found where Open Badges 3.0 puts them, kept small."""

from __future__ import annotations

from typing import Any

from tests.unit.test_credential_normalize import w3c_record
from wallet.credentials.normalize import MAX_IMAGE_DATA_CHARS, badge_image, from_w3c

PNG = "data:image/png;base64,iVBORw0KGgo="


def _badge(image: Any = None, *, own: Any = None) -> dict[str, Any]:
    """An OpenBadgeCredential with `image` on its achievement and `own` on the credential."""
    achievement: dict[str, Any] = {"name": "Data Literacy"}
    if image is not None:
        achievement["image"] = image
    return {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "did:key:z6MkOb",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": achievement},
        **({"image": own} if own is not None else {}),
    }


def test_achievement_image_as_string_or_image_object() -> None:
    assert badge_image(_badge(PNG)) == PNG
    assert badge_image(_badge({"id": PNG, "type": "Image", "caption": "Badge"})) == PNG
    credential = from_w3c(w3c_record(_badge({"id": PNG, "type": "Image"})))
    assert credential.image == PNG
    assert credential.summary().image == PNG  # the index keeps it for the cards


def test_credential_image_is_the_fallback_and_achievement_wins() -> None:
    other = "data:image/svg+xml;base64,PHN2Zz4="
    assert badge_image(_badge(own=other)) == other
    assert badge_image(_badge(PNG, own=other)) == PNG
    assert badge_image(_badge(own={"id": other})) == other


def test_http_urls_are_kept_as_a_marker_but_other_schemes_are_dropped() -> None:
    url = "https://issuer.example/badges/data-literacy.png"
    assert badge_image(_badge(url)) == url  # the screen shows a placeholder, never loads it
    assert badge_image(_badge("javascript:alert(1)")) is None
    assert badge_image(_badge("data:text/html;base64,PGI+")) is None
    assert badge_image(_badge({"id": 42})) is None
    assert badge_image(_badge(["not", "an", "image"])) is None
    assert badge_image({"credentialSubject": "text"}) is None
    assert from_w3c(w3c_record(_badge())).image is None


def test_an_embedded_picture_over_the_cap_is_dropped_so_the_index_stays_small() -> None:
    prefix = "data:image/png;base64,"
    fits = prefix + "A" * (MAX_IMAGE_DATA_CHARS - len(prefix))
    assert badge_image(_badge(fits)) == fits
    assert badge_image(_badge(fits + "A")) is None
    assert from_w3c(w3c_record(_badge(fits + "A"))).image is None
    long_url = "https://issuer.example/" + "a" * 3000
    assert badge_image(_badge(long_url)) is None

"""Reading invitations as learners paste them: every way in, and every way it can be wrong."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.connections.errors import InvitationError
from protocols.connections.invitation import (
    MAX_INVITATION_BYTES,
    Invitation,
    InvitationService,
    ShortLink,
    parse_invitation,
)
from protocols.connections.reachability import service_endpoint
from ui.web.i18n import LANGUAGES, catalogue

KEY = "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"


def oob(**changes: Any) -> dict[str, Any]:
    invitation: dict[str, Any] = {
        "@type": "https://didcomm.org/out-of-band/1.1/invitation",
        "@id": "5e0b1d8c-9a43-4b2f-9d7c-2f1e0e6f1a11",
        "label": "Open Learning Institute",
        "handshake_protocols": ["https://didcomm.org/didexchange/1.1"],
        "services": [
            {
                "id": "#inline",
                "type": "did-communication",
                "recipientKeys": [KEY],
                "serviceEndpoint": "http://127.0.0.1:8020",
            }
        ],
    }
    invitation.update(changes)
    return {k: v for k, v in invitation.items() if v is not None}


def b64url(value: Any, *, pad: bool = False) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(value).encode()).decode()
    return encoded if pad else encoded.rstrip("=")


def expect_error(text: str, code: str) -> InvitationError:
    with pytest.raises(InvitationError) as caught:
        parse_invitation(text)
    assert caught.value.code == code, caught.value.detail
    assert has_learner_words(caught.value)
    return caught.value


def has_learner_words(error: InvitationError) -> bool:
    """The screens have a sentence (and a hint) in every language for this error."""
    key = f"error.{error.code}" + (f".{error.reason}" if error.reason else "")
    return all(
        key in catalogue(language).strings
        and f"error.{error.code}.hint" in catalogue(language).strings
        for language in LANGUAGES
    )


def test_url_with_oob_parameter() -> None:
    parsed = parse_invitation(f"https://issuer.example/invite?oob={b64url(oob())}")
    assert isinstance(parsed, Invitation)
    assert parsed.label == "Open Learning Institute"
    assert service_endpoint(parsed) == "http://127.0.0.1:8020"
    assert parsed.as_message()["services"][0]["recipientKeys"] == [KEY]


def test_padded_standard_base64_and_didcomm_scheme() -> None:
    standard = base64.b64encode(json.dumps(oob(label="A+B/C ÿÿÿ")).encode()).decode()
    parsed = parse_invitation(f"didcomm://invite?oob={standard}")
    assert isinstance(parsed, Invitation) and parsed.label == "A+B/C ÿÿÿ"


def test_json_with_did_sov_prefixed_types_keeps_what_aca_py_reads_only() -> None:
    text = json.dumps(
        oob(
            **{
                "@type": "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/out-of-band/1.0/invitation",
                "handshake_protocols": ["did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/didexchange/1.0"],
                "goal_code": "issue-vc",
                "goal": "To issue a course certificate",
                "~thread": {"thid": 5},
                "unknown": {"nested": [1, 2]},
            }
        )
    )
    parsed = parse_invitation("  " + text + "\n")
    assert isinstance(parsed, Invitation)
    message = parsed.as_message()
    assert (message["goal_code"], message["goal"]) == ("issue-vc", "To issue a course certificate")
    assert "~thread" not in message and "unknown" not in message
    # ACA-Py refuses a goal code without its goal: the unpaired one is not passed on.
    alone = parse_invitation(json.dumps(oob(goal_code="issue-vc")))
    assert isinstance(alone, Invitation) and "goal_code" not in alone.as_message()
    assert parsed.supported_handshakes() == ["did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/didexchange/1.0"]


def test_did_service_and_did_peer_2_endpoint() -> None:
    service = {"t": "dm", "s": {"uri": "http://127.0.0.1:9999"}, "a": ["didcomm/v2"]}
    did = "did:peer:2.Vz6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V.S" + b64url(service)
    parsed = parse_invitation(json.dumps(oob(services=[did])))
    assert isinstance(parsed, Invitation)
    assert service_endpoint(parsed) == "http://127.0.0.1:9999"
    web = parse_invitation(json.dumps(oob(services=["did:web:issuer.example"])))
    assert isinstance(web, Invitation) and service_endpoint(web) is None


def test_http_link_without_invitation_is_a_short_link() -> None:
    assert parse_invitation("https://issuer.example/i/abc") == ShortLink(
        "https://issuer.example/i/abc"
    )


@pytest.mark.parametrize(
    "text",
    [
        "https://issuer.example/?oob=%%%not-base64",
        "https://issuer.example/?oob=a",
    ],
)
def test_not_base64(text: str) -> None:
    error = expect_error(text, "malformed_invitation")
    assert "base64" in error.detail or "JSON" in error.detail


def test_not_json() -> None:
    encoded = base64.urlsafe_b64encode(b"this is not json").decode()
    assert (
        "not JSON"
        in expect_error(f"https://x.example/?oob={encoded}", "malformed_invitation").detail
    )
    assert "not JSON" in expect_error("{not json", "malformed_invitation").detail
    assert (
        "object"
        in expect_error(f"https://x.example/?oob={b64url([1, 2])}", "malformed_invitation").detail
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"@id": None}, "@id"),
        ({"services": []}, "services"),
        ({"services": [{"serviceEndpoint": "http://127.0.0.1:1"}]}, "recipientKeys"),
        ({"@type": "https://didcomm.org/issue-credential/2.0/offer-credential"}, "@type"),
    ],
)
def test_missing_or_wrong_fields(changes: dict[str, Any], field: str) -> None:
    error = expect_error(json.dumps(oob(**changes)), "malformed_invitation")
    assert field in error.detail


def test_empty_and_garbage() -> None:
    expect_error("   ", "malformed_invitation")
    expect_error("hello there", "malformed_invitation")
    expect_error("ftp://issuer.example/i/abc", "malformed_invitation")


def test_oversized_input_is_rejected_before_decoding() -> None:
    big = oob(label="x" * (MAX_INVITATION_BYTES + 1))
    error = expect_error(json.dumps(big), "invitation_too_large")
    assert str(MAX_INVITATION_BYTES) in error.detail
    expect_error(f"https://x.example/?oob={b64url(big)}", "invitation_too_large")


def test_unsupported_handshake_protocol() -> None:
    text = json.dumps(oob(handshake_protocols=["https://didcomm.org/unknown/1.0"]))
    error = expect_error(text, "unsupported_protocol")
    assert "https://didcomm.org/unknown/1.0" in error.detail
    connectionless = oob(
        handshake_protocols=None, **{"requests~attach": [{"@id": "a", "data": {"json": {}}}]}
    )
    assert (
        "connectionless" in expect_error(json.dumps(connectionless), "unsupported_protocol").detail
    )


LEGACY_KEY = "8HH5gYEeNc3z7PYXmd54d4x6qAfCNrqQqEB3nS7Zfu7K"
LEGACY_KEY_AS_DID = (
    "did:key:z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th"
    "#z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th"
)


def legacy_invitation(**changes: Any) -> dict[str, Any]:
    invitation: dict[str, Any] = {
        "@type": "https://didcomm.org/connections/1.0/invitation",
        "@id": "c3f9a3c1",
        "label": "Old Agent",
        "recipientKeys": [LEGACY_KEY],
        "serviceEndpoint": "http://127.0.0.1:8020",
    }
    invitation.update(changes)
    return {k: v for k, v in invitation.items() if v is not None}


def test_legacy_c_i_invitation_becomes_an_out_of_band_invitation_offering_did_exchange() -> None:
    legacy = legacy_invitation(routingKeys=[LEGACY_KEY], imageUrl="https://old.example/logo.png")
    parsed = parse_invitation(f"http://127.0.0.1:8020?c_i={b64url(legacy)}")
    assert isinstance(parsed, Invitation)
    assert (parsed.id, parsed.label) == ("c3f9a3c1", "Old Agent")
    assert parsed.supported_handshakes() == parsed.handshake_protocols
    service = parsed.services[0]
    assert isinstance(service, InvitationService)
    assert service.recipient_keys == [LEGACY_KEY_AS_DID]
    assert service.routing_keys == [LEGACY_KEY_AS_DID]
    assert service.service_endpoint == "http://127.0.0.1:8020"
    assert parsed.as_message()["imageUrl"] == "https://old.example/logo.png"
    # The same invitation as JSON, and in the did:sov message-type spelling.
    as_json = legacy_invitation(
        routingKeys=[LEGACY_KEY],
        **{"@type": "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/connections/1.0/invitation"},
    )
    from_json = parse_invitation(json.dumps(as_json))
    assert isinstance(from_json, Invitation) and from_json.services == parsed.services


def test_legacy_invitation_with_a_public_did_names_that_did() -> None:
    legacy = {
        "@type": "https://didcomm.org/connections/1.0/invitation",
        "@id": "p1",
        "did": "V4SGRU86Z58d6TV7PBUe6f",
    }
    link = f"https://old.example/?c_i={b64url(legacy)}"
    parsed = parse_invitation(link, ledger=True)
    assert isinstance(parsed, Invitation)
    assert parsed.services == ["did:sov:V4SGRU86Z58d6TV7PBUe6f"]
    # Without a ledger the learner's agent cannot resolve it (ACA-Py would answer a 500).
    assert expect_error(link, "unsupported_protocol").reason == "did_method"


def test_c_i_parameter_may_carry_an_out_of_band_invitation() -> None:
    parsed = parse_invitation(f"https://issuer.example/?c_i={b64url(oob())}")
    assert isinstance(parsed, Invitation) and parsed.id == oob()["@id"]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"recipientKeys": ["not base58 0OIl"]}, "not base58"),
        ({"recipientKeys": ["3mJr7AoUXx2Wqd"]}, "not a 32-byte Ed25519 key"),
        ({"recipientKeys": []}, "no recipientKeys"),
        ({"serviceEndpoint": None}, "neither a public DID nor a serviceEndpoint"),
        ({"@id": None}, "no @id"),
        ({"routingKeys": "k"}, "routingKeys is not a list"),
    ],
)
def test_unusable_legacy_invitations_say_what_is_missing(changes: dict[str, Any], why: str) -> None:
    error = expect_error(
        f"http://127.0.0.1:8020?c_i={b64url(legacy_invitation(**changes))}", "malformed_invitation"
    )
    assert "RFC 0160" in error.detail and why in error.detail
    expect_error("http://127.0.0.1:8020?c_i=@@@", "malformed_invitation")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=400),
        st.binary(max_size=300).map(
            lambda b: "https://a.example/?oob=" + base64.urlsafe_b64encode(b).decode()
        ),
    )
)
def test_any_input_gives_an_invitation_a_short_link_or_a_clear_error(text: str) -> None:
    try:
        result = parse_invitation(text)
    except InvitationError as error:
        assert error.code in {
            "malformed_invitation",
            "unsupported_protocol",
            "invitation_too_large",
        }
        assert error.detail and has_learner_words(error)
    else:
        assert isinstance(result, Invitation | ShortLink)


def test_deeply_nested_json_is_malformed_not_a_crash() -> None:
    expect_error("{" + '"a":[' * 12000, "malformed_invitation")

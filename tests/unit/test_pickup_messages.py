"""Message Pickup 2.0 messages: what we send, what we accept from mediators (Credo and others)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.plugins.pickup.messages import (
    PICKUP_2,
    PickupMessageError,
    add_return_route,
    decode_attachment,
    delivery_request,
    is_problem_report,
    live_delivery_change,
    messages_received,
    parse_delivery,
    parse_problem_report,
    parse_status,
    pickup_name,
    status_request,
    trust_ping,
)

PACKED = {
    "protected": "eyJlbmMiOiJ4Y2hhY2hhMjBwb2x5MTMwNV9pZXRmIn0",
    "iv": "aXY",
    "ciphertext": "Y3Q",
}


def test_every_message_we_send_asks_for_answers_on_the_socket() -> None:
    sent = [
        status_request(),
        delivery_request(10),
        messages_received(["a"]),
        live_delivery_change(True),
        trust_ping(),
    ]
    assert all(m["~transport"] == {"return_route": "all"} for m in sent)
    assert len({m["@id"] for m in sent}) == len(sent)


def test_rfc_0685_field_names() -> None:
    assert status_request()["@type"] == PICKUP_2 + "status-request"
    request = delivery_request(7)
    assert (request["@type"], request["limit"]) == (PICKUP_2 + "delivery-request", 7)
    received = messages_received(["x", "y"])
    assert received["message_id_list"] == ["x", "y"]
    assert live_delivery_change(False)["live_delivery"] is False
    ping = trust_ping()
    assert ping["@type"] == "https://didcomm.org/trust_ping/1.0/ping"
    assert ping["response_requested"] is False


@pytest.mark.parametrize(
    ("message_type", "name"),
    [
        (PICKUP_2 + "status", "status"),
        ("did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/messagepickup/2.0/delivery", "delivery"),
        ("https://didcomm.org/messagepickup/1.0/batch", None),
        ("https://didcomm.org/trust_ping/1.0/ping", None),
        (None, None),
    ],
)
def test_pickup_name(message_type: str | None, name: str | None) -> None:
    assert pickup_name({"@type": message_type}) == name


def test_status_from_credo() -> None:
    status = parse_status(
        {
            "@type": PICKUP_2 + "status",
            "@id": "s1",
            "~thread": {"thid": "req-1"},
            "message_count": 3,
            "live_delivery": True,
        }
    )
    assert (status.message_count, status.live_delivery, status.thread_id) == (3, True, "req-1")


def test_status_without_thread_or_live_flag() -> None:
    status = parse_status({"@type": PICKUP_2 + "status", "@id": "s1", "message_count": 0})
    assert (status.message_count, status.live_delivery, status.thread_id) == (0, None, None)


@pytest.mark.parametrize("count", [-1, "3", None, True, 2.5])
def test_status_with_a_bad_count_is_refused(count: Any) -> None:
    with pytest.raises(PickupMessageError):
        parse_status({"@type": PICKUP_2 + "status", "message_count": count})


def delivery(*attachments: dict[str, Any], thread: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "@type": PICKUP_2 + "delivery",
        "@id": "d1",
        "~attach": list(attachments),
    }
    if thread:
        message["~thread"] = {"thid": thread}
    return message


def test_credo_puts_the_packed_message_in_data_json() -> None:
    parsed = parse_delivery(delivery({"@id": "m1", "data": {"json": PACKED}}))
    assert [a.id for a in parsed.attachments] == ["m1"]
    assert json.loads(parsed.attachments[0].packed) == PACKED
    assert parsed.bad_ids == ()
    assert parsed.thread_id is None


def test_other_mediators_use_data_base64() -> None:
    encoded = base64.b64encode(json.dumps(PACKED).encode()).decode()
    parsed = parse_delivery(delivery({"@id": "m2", "data": {"base64": encoded}}, thread="r1"))
    assert json.loads(parsed.attachments[0].packed) == PACKED
    assert parsed.thread_id == "r1"


def test_json_data_given_as_a_string_is_taken_as_is() -> None:
    text = json.dumps(PACKED)
    assert decode_attachment({"@id": "m", "data": {"json": text}}) == text.encode()


@given(st.binary(max_size=300), st.booleans(), st.booleans())
def test_base64_in_every_spelling_decodes(data: bytes, urlsafe: bool, padded: bool) -> None:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    text = encode(data).decode()
    if not padded:
        text = text.rstrip("=")
    assert decode_attachment({"data": {"base64": text}}) == data


def test_undecodable_attachments_are_named_not_fatal() -> None:
    parsed = parse_delivery(
        delivery(
            {"@id": "good", "data": {"json": PACKED}},
            {"@id": "no-data"},
            {"@id": "links-only", "data": {"links": ["https://x.example/m"]}},
            {"@id": "bad-b64", "data": {"base64": "***"}},
        )
    )
    assert [a.id for a in parsed.attachments] == ["good"]
    assert parsed.bad_ids == ("no-data", "links-only", "bad-b64")


@pytest.mark.parametrize(
    "message",
    [
        {"@type": PICKUP_2 + "delivery"},
        {"@type": PICKUP_2 + "delivery", "~attach": [{"data": {"json": {}}}]},
        {"@type": PICKUP_2 + "delivery", "~attach": ["text"]},
    ],
)
def test_a_delivery_without_attachment_ids_is_refused(message: dict[str, Any]) -> None:
    with pytest.raises(PickupMessageError):
        parse_delivery(message)


def test_acapy_problem_report_names_the_message_it_answers() -> None:
    report = {
        "@type": "https://didcomm.org/notification/1.0/problem-report",
        "@id": "p1",
        "~thread": {"thid": "status-req-1"},
        "description": {"en": "Unrecognized message type", "code": "message-parse-failure"},
    }
    assert is_problem_report(report)
    parsed = parse_problem_report(report)
    assert (parsed.thread_id, parsed.code) == ("status-req-1", "message-parse-failure")
    assert parsed.comment == "Unrecognized message type"


def test_a_problem_report_without_thread_answers_nothing_we_know() -> None:
    parsed = parse_problem_report({"@type": PICKUP_2 + "problem-report", "@id": "p2"})
    assert parsed.thread_id is None


def test_return_route_is_added_to_v1_messages_only() -> None:
    plain = json.dumps({"@type": "https://didcomm.org/trust_ping/1.0/ping", "@id": "1"})
    assert json.loads(add_return_route(plain))["~transport"] == {"return_route": "all"}
    already = json.dumps({"@type": "t", "~transport": {"return_route": "none"}})
    assert add_return_route(already) == already
    for untouched in ("not json", json.dumps([1]), json.dumps({"protected": "x"})):
        assert add_return_route(untouched) == untouched

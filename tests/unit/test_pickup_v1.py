"""Message Pickup 1.0 (RFC 0212) batch pickup: its messages, and when the client uses it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent.plugins.pickup.config import PickupConfig
from agent.plugins.pickup.messages import PickupMessageError
from agent.plugins.pickup.messages_v1 import PICKUP_1, batch_pickup, parse_batch, pickup1_name
from agent.plugins.pickup.protocol import Action, Handle, PickupProtocol, Send
from tests.unit.test_pickup_protocol import message_id, problem, sent, status

CONFIG = PickupConfig(
    status_timeout_seconds=5, implicit_poll_seconds=5, pickup_poll_seconds=60, delivery_limit=2
)
PACKED = {"protected": "p", "iv": "i", "ciphertext": "c", "tag": "t"}


def batch(*ids: str, thid: str | None = None) -> dict[str, Any]:
    """A `batch` as Credo 0.5.19 sends it: each packed message as an object, under `id`."""
    message: dict[str, Any] = {
        "@type": PICKUP_1 + "batch",
        "@id": "b",
        "messages~attach": [{"id": i, "message": PACKED} for i in ids],
    }
    if thid:
        message["~thread"] = {"thid": thid}
    return message


def batch_request(actions: list[Action]) -> Send:
    [request] = [
        a
        for a in actions
        if isinstance(a, Send) and a.message["@type"] == PICKUP_1 + "batch-pickup"
    ]
    assert isinstance(request, Send)
    return request


def in_pickup1(now: float = 0.0) -> tuple[PickupProtocol, list[Action]]:
    """A client whose mediator refused pickup 2.0 and answered the batch-pickup."""
    protocol = PickupProtocol(CONFIG)
    actions = protocol.on_connect(now)
    v1 = protocol.on_message(problem(message_id(actions, "status-request")), now)
    return protocol, protocol.on_message(batch(thid=batch_request(v1).message["@id"]), now)


def test_batch_pickup_asks_for_a_batch_on_this_socket() -> None:
    request = batch_pickup(7)
    assert request["@type"] == "https://didcomm.org/messagepickup/1.0/batch-pickup"
    assert request["batch_size"] == 7
    assert request["~transport"] == {"return_route": "all"}
    assert request["@id"] != batch_pickup(7)["@id"]


def test_a_batch_gives_each_packed_message_by_id() -> None:
    as_string = {"@id": "m2", "message": json.dumps(PACKED)}
    parsed = parse_batch(
        {**batch("m1"), "messages~attach": [*batch("m1")["messages~attach"], as_string]}
    )
    assert [a.id for a in parsed.attachments] == ["m1", "m2"]
    assert [json.loads(a.packed) for a in parsed.attachments] == [PACKED, PACKED]
    assert parsed.bad_ids == ()


def test_a_batch_message_without_content_is_listed_as_bad() -> None:
    parsed = parse_batch({"@type": PICKUP_1 + "batch", "messages~attach": [{"@id": "x"}]})
    assert (parsed.attachments, parsed.bad_ids) == ((), ("x",))


@pytest.mark.parametrize(
    "payload",
    [
        {"@type": PICKUP_1 + "batch"},
        {"@type": PICKUP_1 + "batch", "messages~attach": [{"message": PACKED}]},
        {"@type": PICKUP_1 + "batch", "messages~attach": ["not an object"]},
    ],
)
def test_a_malformed_batch_is_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(PickupMessageError):
        parse_batch(payload)


def test_pickup1_names_in_both_prefixes() -> None:
    assert pickup1_name({"@type": PICKUP_1 + "batch"}) == "batch"
    assert (
        pickup1_name({"@type": "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/messagepickup/1.0/batch"})
        == "batch"
    )
    assert pickup1_name({"@type": "https://didcomm.org/messagepickup/2.0/status"}) is None


def test_no_pickup_2_makes_the_client_try_1_before_implicit() -> None:
    protocol = PickupProtocol(CONFIG)
    actions = protocol.on_connect(0.0)
    v1 = protocol.on_message(problem(message_id(actions, "status-request")), 0.1)
    request = batch_request(v1)
    assert request.message["batch_size"] == CONFIG.delivery_limit
    assert protocol.mode is None
    assert protocol.claims(batch())
    assert protocol.on_message(batch(thid=request.message["@id"]), 0.2) == []
    assert protocol.mode == "pickup1"


def test_a_batch_is_handled_without_an_ack_and_a_full_one_asks_for_more() -> None:
    protocol, _ = in_pickup1()
    [handle] = protocol.on_message(batch("m1", "m2"), 1.0)
    assert isinstance(handle, Handle)
    assert ([a.id for a in handle.attachments], handle.ack_ids, handle.more) == (
        ["m1", "m2"],
        (),
        True,
    )
    after = protocol.on_handled(handle, ["m1", "m2"], 1.5)
    assert sent(after) == ["batch-pickup"]  # asked only now: one batch at risk at a time


def test_a_short_batch_waits_for_the_next_poll() -> None:
    protocol, _ = in_pickup1()
    [handle] = protocol.on_message(batch("m1"), 1.0)
    assert isinstance(handle, Handle) and handle.more is False
    assert protocol.on_handled(handle, ["m1"], 1.5) == []
    deadline = protocol.next_deadline()
    assert deadline is not None and deadline <= 1.0 + CONFIG.implicit_poll_seconds
    assert sent(protocol.on_tick(deadline)) == ["batch-pickup"]


def test_a_message_in_two_batches_is_handled_once() -> None:
    protocol, _ = in_pickup1()
    [handle] = protocol.on_message(batch("m1"), 1.0)
    protocol.on_handled(handle, ["m1"], 1.1)
    assert protocol.on_message(batch("m1"), 2.0) == []


def test_in_pickup1_messages_on_the_socket_need_no_ping() -> None:
    protocol, _ = in_pickup1()
    assert protocol.on_direct() == []


def test_reconnect_in_pickup1_picks_up_at_once() -> None:
    protocol, _ = in_pickup1()
    protocol.on_disconnect()
    again = protocol.on_connect(10.0)
    assert sent(again) == ["live-delivery-change", "status-request", "batch-pickup"]
    # The mediator refuses 2.0 again: nothing changes, no probe, no ping.
    assert protocol.on_message(problem(message_id(again, "status-request")), 10.1) == []
    assert protocol.mode == "pickup1"


def test_a_mediator_that_now_speaks_2_gets_2() -> None:
    protocol, _ = in_pickup1()
    assert sent(protocol.on_message(status(3), 5.0)) == ["delivery-request"]
    assert protocol.mode == "pickup2"


def test_silence_after_the_batch_pickup_means_implicit() -> None:
    protocol = PickupProtocol(CONFIG)
    actions = protocol.on_connect(0.0)
    protocol.on_message(problem(message_id(actions, "status-request")), 1.0)
    assert protocol.on_tick(5.9) == []
    probe = protocol.on_tick(6.0)
    assert sent(probe) == ["ping"] and protocol.mode == "implicit"

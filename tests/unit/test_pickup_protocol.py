"""The pickup client's decisions: live mode, draining the queue, acknowledging, falling back."""

from __future__ import annotations

from typing import Any

from agent.plugins.pickup.config import PickupConfig
from agent.plugins.pickup.messages import PICKUP_2
from agent.plugins.pickup.protocol import Action, Handle, PickupProtocol, Reconnect, Send

CONFIG = PickupConfig(status_timeout_seconds=5, implicit_poll_seconds=5, pickup_poll_seconds=60)
PACKED = {"protected": "p", "iv": "i", "ciphertext": "c", "tag": "t"}


def sent(actions: list[Action]) -> list[str]:
    """The short names of the messages an action list sends."""
    return [
        a.message["@type"].rsplit("/", 1)[-1] if isinstance(a, Send) else "HANDLE" for a in actions
    ]


def status(count: int, thid: str | None = None, live: bool | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"@type": PICKUP_2 + "status", "@id": "s", "message_count": count}
    if thid:
        message["~thread"] = {"thid": thid}
    if live is not None:
        message["live_delivery"] = live
    return message


def delivery(*ids: str) -> dict[str, Any]:
    attachments = [{"@id": i, "data": {"json": PACKED}} for i in ids]
    return {"@type": PICKUP_2 + "delivery", "@id": "d", "~attach": attachments}


def problem(thid: str) -> dict[str, Any]:
    return {
        "@type": "https://didcomm.org/notification/1.0/problem-report",
        "@id": "p",
        "~thread": {"thid": thid},
        "description": {"code": "message-parse-failure", "en": "Unrecognized message type"},
    }


def batch_pickup_id(actions: list[Action]) -> str:
    [request] = [
        a for a in actions if isinstance(a, Send) and a.message["@type"].endswith("/batch-pickup")
    ]
    assert isinstance(request, Send)
    return str(request.message["@id"])


def refuse_both(protocol: PickupProtocol, actions: list[Action], now: float) -> None:
    """The mediator answers pickup 2.0 and then 1.0 with problem reports: implicit."""
    v1 = protocol.on_message(problem(message_id(actions, "status-request")), now)
    protocol.on_message(problem(batch_pickup_id(v1)), now)
    assert protocol.mode == "implicit"


def connected(now: float = 0.0) -> tuple[PickupProtocol, list[Action]]:
    protocol = PickupProtocol(CONFIG)
    return protocol, protocol.on_connect(now)


def message_id(actions: list[Action], name: str) -> str:
    for action in actions:
        if isinstance(action, Send) and action.message["@type"] == PICKUP_2 + name:
            return str(action.message["@id"])
    raise AssertionError(f"no {name} in {sent(actions)}")


def test_connect_asks_for_live_delivery_and_the_queue_status() -> None:
    protocol, actions = connected()
    assert sent(actions) == ["live-delivery-change", "status-request"]
    live = actions[0]
    assert isinstance(live, Send) and live.message["live_delivery"] is True
    assert protocol.mode is None


def test_a_waiting_queue_is_drained_with_one_request_at_a_time() -> None:
    protocol, actions = connected()
    live_id = message_id(actions, "live-delivery-change")
    first = protocol.on_message(status(3, thid=live_id, live=True), 1.0)
    assert sent(first) == ["delivery-request"]
    request = first[0]
    assert isinstance(request, Send) and request.message["limit"] == CONFIG.delivery_limit
    assert (protocol.mode, protocol.live) == ("pickup2", True)
    assert protocol.on_message(status(3, thid=message_id(actions, "status-request")), 1.1) == []


def test_a_delivery_is_handled_then_acknowledged_by_attachment_id() -> None:
    protocol, _ = connected()
    protocol.on_message(status(2), 1.0)
    actions = protocol.on_message(delivery("m1", "m2"), 1.2)
    assert sent(actions) == ["HANDLE"]
    handle = actions[0]
    assert isinstance(handle, Handle)
    assert [a.id for a in handle.attachments] == ["m1", "m2"]
    ack = protocol.on_handled(handle, ["m1", "m2"], 1.5)
    assert sent(ack) == ["messages-received"]
    assert isinstance(ack[0], Send) and ack[0].message["message_id_list"] == ["m1", "m2"]


def test_the_mediators_status_after_the_ack_asks_for_the_rest() -> None:
    protocol, _ = connected()
    protocol.on_message(status(12), 1.0)
    handle = protocol.on_message(delivery(*[f"m{i}" for i in range(10)]), 1.1)[0]
    assert isinstance(handle, Handle)
    protocol.on_handled(handle, [a.id for a in handle.attachments], 1.2)
    assert sent(protocol.on_message(status(2), 1.3)) == ["delivery-request"]
    assert protocol.on_message(status(0), 1.4) == []


def test_a_message_acapy_did_not_finish_is_not_acknowledged() -> None:
    protocol, _ = connected()
    handle = protocol.on_message(delivery("done", "stuck"), 1.0)[0]
    assert isinstance(handle, Handle)
    ack = protocol.on_handled(handle, ["done"], 70.0)
    assert isinstance(ack[0], Send) and ack[0].message["message_id_list"] == ["done"]
    again = protocol.on_message(delivery("stuck"), 80.0)
    assert sent(again) == ["HANDLE"]


def test_a_message_delivered_twice_is_handled_once_and_acknowledged_again() -> None:
    protocol, _ = connected()
    handle = protocol.on_message(delivery("m1"), 1.0)[0]
    assert isinstance(handle, Handle)
    protocol.on_handled(handle, ["m1"], 1.1)
    again = protocol.on_message(delivery("m1"), 2.0)
    assert sent(again) == ["messages-received"]


def test_a_message_still_being_handled_is_neither_handled_nor_acked_twice() -> None:
    protocol, _ = connected()
    first = protocol.on_message(delivery("m1"), 1.0)[0]
    assert isinstance(first, Handle)
    second = protocol.on_message(delivery("m1", "m2"), 1.1)[0]
    assert isinstance(second, Handle)
    assert [a.id for a in second.attachments] == ["m2"]
    assert second.ack_ids == ("m2",)
    ack = protocol.on_handled(first, ["m1"], 1.2)
    assert isinstance(ack[0], Send) and ack[0].message["message_id_list"] == ["m1"]


def test_undecodable_attachments_are_acknowledged_without_handling() -> None:
    protocol, _ = connected()
    message = delivery("good")
    message["~attach"].append({"@id": "junk", "data": {}})
    handle = protocol.on_message(message, 1.0)[0]
    assert isinstance(handle, Handle)
    assert [a.id for a in handle.attachments] == ["good"]
    ack = protocol.on_handled(handle, ["good"], 1.1)
    assert isinstance(ack[0], Send) and ack[0].message["message_id_list"] == ["good", "junk"]


def test_problem_reports_to_pickup_2_and_1_mean_implicit_delivery() -> None:
    protocol, actions = connected()
    live = protocol.on_message(problem(message_id(actions, "live-delivery-change")), 0.1)
    assert sent(live) == ["ping"]  # the mediator may hold the next answer until we send
    assert protocol.live is False and protocol.mode is None
    v1 = protocol.on_message(problem(message_id(actions, "status-request")), 0.2)
    assert sent(v1) == ["batch-pickup"]
    assert protocol.mode is None
    fallback = protocol.on_message(problem(batch_pickup_id(v1)), 0.3)
    assert sent(fallback) == ["ping"]
    assert protocol.mode == "implicit"


def test_no_status_in_time_means_implicit_delivery() -> None:
    protocol, _ = connected(now=0.0)
    assert protocol.on_tick(4.9) == []
    probe = protocol.on_tick(5.0)
    assert sent(probe) == ["ping"]
    assert isinstance(probe[0], Send) and probe[0].message["response_requested"] is True
    assert protocol.mode == "implicit"
    protocol.on_direct()  # the ping's answer: the mediator is there, only without pickup
    assert all(not isinstance(a, Reconnect) for a in protocol.on_tick(100.0))


def test_a_socket_nobody_answers_on_is_dropped_and_opened_again() -> None:
    protocol, _ = connected(now=0.0)
    protocol.on_tick(5.0)
    assert protocol.on_tick(9.9) == []
    assert protocol.on_tick(10.0) == [Reconnect()]
    protocol.on_disconnect()
    assert sent(protocol.on_connect(12.0)) == ["live-delivery-change", "status-request", "ping"]


def test_implicit_delivery_pings_after_each_message_and_on_a_timer() -> None:
    protocol, actions = connected()
    refuse_both(protocol, actions, 0.1)
    assert sent(protocol.on_direct()) == ["ping"]
    deadline = protocol.next_deadline()
    assert deadline is not None and deadline == 0.1 + CONFIG.implicit_poll_seconds
    assert sent(protocol.on_tick(deadline)) == ["ping"]


def test_a_late_status_switches_back_to_pickup() -> None:
    protocol, _ = connected(now=0.0)
    protocol.on_tick(5.0)
    assert protocol.mode == "implicit"
    assert sent(protocol.on_message(status(1), 6.0)) == ["delivery-request"]
    assert protocol.mode == "pickup2"


def test_while_probing_every_message_is_followed_by_a_ping() -> None:
    protocol, _ = connected()
    assert sent(protocol.on_direct()) == ["ping"]
    protocol.on_message(status(0), 0.1)
    assert protocol.on_direct() == []


def test_reconnect_asks_again_and_keeps_the_known_mode() -> None:
    protocol, actions = connected()
    refuse_both(protocol, actions, 0.1)
    protocol.on_disconnect()
    assert protocol.live is None
    assert protocol.on_direct() == [] and protocol.on_tick(100.0) == []
    again = protocol.on_connect(200.0)
    assert sent(again) == ["live-delivery-change", "status-request", "ping"]


def test_an_unanswered_delivery_request_is_followed_by_a_status_request() -> None:
    protocol, _ = connected()
    protocol.on_message(status(4), 1.0)
    assert sent(protocol.on_tick(6.0)) == ["status-request"]


def test_live_mode_polls_rarely_and_without_live_often() -> None:
    protocol, _ = connected()
    protocol.on_message(status(0, live=True), 1.0)
    assert protocol.next_deadline() == 1.0 + CONFIG.pickup_poll_seconds
    assert sent(protocol.on_tick(61.0)) == ["status-request"]
    protocol.on_message(status(0, live=False), 62.0)
    assert protocol.on_tick(62.0 + CONFIG.pickup_poll_seconds) != []


def test_claims_only_pickup_messages_and_reports_about_our_own() -> None:
    protocol, actions = connected()
    assert protocol.claims(status(0))
    assert protocol.claims(problem(message_id(actions, "status-request")))
    assert not protocol.claims(problem("someone-elses-thread"))
    assert not protocol.claims({"@type": "https://didcomm.org/basicmessage/1.0/message"})

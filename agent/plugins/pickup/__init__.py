"""ACA-Py plugin: receive everything through ONE outbound WebSocket to the mediator (issue 15).

Why. Behind NAT nobody can open a connection to the learner's machine. Stock ACA-Py 1.7 as
a mediation client only gets messages by HTTP posts from its mediator, and its ws outbound
transport sends and closes without reading, so behind NAT it cannot even finish the DID
exchange with its mediator. Here the learner's ACA-Py opens a WebSocket to the mediator,
keeps it, and reads everything from it.

What runs where (all inside the learner's ACA-Py process):

- `transport.DuplexWsTransport` (loaded with `-ot agent.plugins.pickup.transport`; set-up
  also puts it in place of the stock `ws`) sends each ws/wss message on the one socket the
  `socket_pool.SocketPool` keeps per endpoint, packed by `wire.ReturnRouteWireFormat`, which
  adds `~transport.return_route: all` so the peer answers on that socket.
- `duplex_socket.DuplexSocket` reads every frame and gives it to `bridge.InboundBridge`,
  which unpacks it in an `InboundSession` of ACA-Py's `InboundTransportManager`
  (`parse_inbound`) and hands it on (`receive_inbound` → `Conductor.inbound_message_router`
  → the dispatcher), unless the pickup client claims it first.
- `mediator_invite.py` applies `--mediator-invitation` itself, once (ACA-Py 1.7's conductor
  treats it as new at every start, clears the default mediator and connects again).
- `client.PickupClient` starts after ACA-Py's start-up event, waits for the mediator's
  connection (the one the invitation made, else the granted default mediator's:
  `mediator.py`), pins that mediator's ws endpoint (the socket that already carried the
  DID exchange, so there is only ever one), and runs `protocol.PickupProtocol`:
  live-delivery-change, status-request, delivery-request until the queue is empty, and
  messages-received only after ACA-Py's dispatcher finished each delivered message
  (`handled_inbound`'s `handle_and_wait`, which also keeps a message redelivered after a
  crash from being handled twice). A mediator that refuses pickup 2.0 with a problem
  report is asked for a pickup 1.0 `batch-pickup` (`messages_v1.py`; 1.0 has no ack);
  one that refuses that too (ACA-Py 1.7) gets implicit delivery: a trust ping on the open
  socket after every message and every few seconds makes it flush its undelivered queue.
- `connection_manager.SocketFirstConnectionManager` puts ws/wss targets first, so ACA-Py's
  own messages to a mediator that lists http and ws (keylist updates) use the socket too.
- `reporter.StateReporter` tells the controller `connected|connecting|offline`, the mode
  (`pickup2|pickup1|implicit`), the mediator's label and the last message time: a `pickup` webhook
  on change, and `GET /learner-wallet/pickup` (`routes.py`) for the current value.

"Handled" is what ACA-Py lets the inbound path see: `Conductor.dispatch_complete` sets the
message's processing-complete event when the handler task ends, after the handler stored
what it changed; it is set for a handler that failed too (ACA-Py logs it, and offering a
message that fails every time again would not help), but not when ACA-Py is stopping
(the client is cancelled first). A socket the mediator answers nothing on (Credo accepts
sockets before its agent is ready) is dropped and opened again.

The holder advertises `didcomm:transport/queue` as its endpoint (so its DID documents name
no address of its own) and keeps a loopback inbound transport only because ACA-Py creates
its `InboundTransportManager` only with one. Settings: `config.PickupConfig`.
The pure modules (messages, messages_v1, protocol, backoff, config, state, targets) import
no ACA-Py; ACA-Py is imported only when `setup` runs.
"""

from __future__ import annotations

from typing import Any


async def setup(context: Any) -> None:
    """ACA-Py's plugin hook (`--plugin agent.plugins.pickup`)."""
    from .plugin import install

    install(context)

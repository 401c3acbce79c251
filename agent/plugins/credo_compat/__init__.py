"""ACA-Py plugin: complete DID exchanges with inviters whose response has no `pthid`.

Credo-ts 0.5 answers a DID exchange request with a response whose `~thread` carries only
`thid`. ACA-Py 1.7 copies that thread into its `complete` message, and its own schema then
refuses to send it ("Missing required field(s) in thread decorator"): the learner's
connection stays in `response` forever. Load with `--plugin agent.plugins.credo_compat`;
the plugin fills `pthid` in from our own request (the invitation it answered) before
ACA-Py accepts the response. ACA-Py is imported only inside `setup`.
"""

from __future__ import annotations

from typing import Any


async def setup(context: Any) -> None:
    """ACA-Py's plugin hook: route DID exchange responses through the tolerant class."""
    from .plugin import install

    install(context)

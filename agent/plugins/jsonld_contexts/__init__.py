"""ACA-Py plugin: serve Learner Wallet's JSON-LD contexts offline (``--plugin`` this module).

Every party to a W3C credential (issuer, holder, verifier) needs its contexts; ACA-Py ships
only a few and downloads the rest. This plugin replaces ACA-Py's document loader by
``OfflineDocumentLoader``, which answers the bundled contexts (ours, Open Badges 3.0, and
ACA-Py's own) and refuses every other URL without touching the network.
"""

import logging
from collections.abc import Awaitable, Callable

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.core.util import STARTUP_EVENT_PATTERN
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader

from .loader import OfflineDocumentLoader
from .registry import BundledContexts, load_bundled_contexts

LOGGER = logging.getLogger(__name__)


async def setup(context: InjectionContext) -> None:
    """Check the bundled contexts now and bind our loader once ACA-Py has bound its own.

    ACA-Py's conductor binds its default loader after plugin set-up, so a binding made here
    would be overwritten; the start-up event is the first moment after that. Checking the
    files here makes a broken install stop the agent instead of failing a credential later.
    """
    contexts = load_bundled_contexts()
    context.inject(EventBus).subscribe(STARTUP_EVENT_PATTERN, _binder(contexts))


def _binder(contexts: BundledContexts) -> Callable[[Profile, Event], Awaitable[None]]:
    """Make the start-up handler that installs the offline loader in the root profile."""

    async def bind_offline_loader(profile: Profile, event: Event) -> None:
        loader = OfflineDocumentLoader(profile, contexts)
        profile.context.injector.bind_instance(DocumentLoader, loader)
        LOGGER.info(
            "JSON-LD: %d bundled context URLs, network fetching disabled",
            len(contexts.documents),
        )

    return bind_offline_loader

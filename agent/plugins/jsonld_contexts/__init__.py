"""ACA-Py plugin: serve Learner Wallet's JSON-LD contexts offline (``--plugin`` this module).

Every party to a W3C credential (issuer, holder, verifier) needs its contexts; ACA-Py ships
only a few and downloads the rest. This plugin replaces ACA-Py's document loader by
``OfflineDocumentLoader``, which answers the bundled contexts (ours, Open Badges 3.0, and
ACA-Py's own) and refuses every other URL without touching the network. An issuer or
verifier with contexts of its own lists them in a file named by
``--plugin-config-value jsonld_contexts.extra_contexts=<file>``.
"""

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.config.plugin_settings import PluginSettings
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.core.util import STARTUP_EVENT_PATTERN
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader

from .loader import OfflineDocumentLoader
from .registry import BundledContexts, load_bundled_contexts, load_extra_contexts, with_extra

LOGGER = logging.getLogger(__name__)
PLUGIN_NAME = "jsonld_contexts"


async def setup(context: InjectionContext) -> None:
    """Check the bundled contexts now and bind our loader once ACA-Py has bound its own.

    ACA-Py's conductor binds its default loader after plugin set-up, so a binding made here
    would be overwritten; the start-up event is the first moment after that. Checking the
    files here makes a broken install stop the agent instead of failing a credential later.
    """
    contexts = load_bundled_contexts()
    config = PluginSettings.for_plugin(context.settings, PLUGIN_NAME).to_dict()
    extra_file = config.get("extra_contexts")
    if extra_file:
        contexts = with_extra(contexts, load_extra_contexts(Path(str(extra_file))))
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

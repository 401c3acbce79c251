"""Wire the resolver and registrar into ACA-Py's AnonCredsRegistry."""

from __future__ import annotations

import logging

from acapy_agent.anoncreds.default.did_web.registry import DIDWebRegistry
from acapy_agent.anoncreds.registry import AnonCredsRegistry
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.config.plugin_settings import PluginSettings

from .acapy_registrar import DidWebAnonCredsRegistrar
from .acapy_resolver import DidWebAnonCredsResolver
from .publisher import DirectoryPublisher
from .resolver import DidWebObjectResolver
from .settings import PLUGIN_NAME, DidWebSettings

LOGGER = logging.getLogger(__name__)


async def install(context: InjectionContext) -> None:
    """Replace ACA-Py's did:web stub; two did:web handlers make every call ambiguous."""
    registry = context.inject_or(AnonCredsRegistry)
    if registry is None:
        LOGGER.error(
            "%s needs ACA-Py's AnonCreds registry: start ACA-Py with --wallet-type "
            "askar-anoncreds; did:web AnonCreds objects will not resolve",
            PLUGIN_NAME,
        )
        return
    plugin_config = PluginSettings.for_plugin(context.settings, PLUGIN_NAME).to_dict()
    settings = DidWebSettings.from_sources(plugin_config)
    removed = remove_builtin_did_web(registry)
    LOGGER.info(
        "%s: removed ACA-Py's built-in did:web AnonCreds stub (%d handler entries)",
        PLUGIN_NAME,
        removed,
    )
    objects = DidWebObjectResolver(settings)
    publisher = DirectoryPublisher(settings.publish_dir) if settings.publish_dir else None
    registry.register(DidWebAnonCredsResolver(objects))
    registry.register(DidWebAnonCredsRegistrar(objects, publisher))
    LOGGER.info(
        "%s: registered did:web AnonCreds resolver and registrar (publish_dir=%s, "
        "allow_http=%s, max_bytes=%d, timeout=%gs, cache_ttl=%gs)",
        PLUGIN_NAME,
        settings.publish_dir or "none: resolve only",
        settings.allow_http,
        settings.max_bytes,
        settings.timeout,
        settings.cache_ttl,
    )


def remove_builtin_did_web(registry: AnonCredsRegistry) -> int:
    """Take ACA-Py's DIDWebRegistry out of the resolver and registrar lists; count removals."""
    removed = 0
    for handlers in (registry.resolvers, registry.registrars):
        kept = [handler for handler in handlers if not isinstance(handler, DIDWebRegistry)]
        removed += len(handlers) - len(kept)
        handlers[:] = kept
    return removed

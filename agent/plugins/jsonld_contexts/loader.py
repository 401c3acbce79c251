"""A JSON-LD document loader for ACA-Py that never fetches a context from the network.

ACA-Py's own loader answers a handful of contexts from files and downloads every other
URL. A learner's wallet must work offline and must not tell a context host which
credentials it handles, so this loader answers our bundled contexts, then the ones ACA-Py
ships, and refuses every other http(s) URL at once.
"""

from typing import Any

from acapy_agent.core.profile import Profile
from acapy_agent.vc.ld_proofs.document_downloader import StaticCacheJsonLdDownloader
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader

from .errors import ContextNotBundledError
from .registry import BundledContexts

ACAPY_BUNDLED_URLS: frozenset[str] = frozenset(StaticCacheJsonLdDownloader.CONTEXT_FILE_MAPPING)


class OfflineDocumentLoader(DocumentLoader):
    """ACA-Py's document loader with our contexts first and the network taken away.

    DIDs still go to ACA-Py's DID resolver: which resolvers may use the network is decided
    by the agent's configuration, not by this loader.
    """

    def __init__(self, profile: Profile, contexts: BundledContexts, cache_ttl: int = 300) -> None:
        """Keep ACA-Py's loader for DIDs and its shipped contexts, plus our own contexts."""
        super().__init__(profile, cache_ttl)
        self.contexts = contexts

    def known_urls(self) -> frozenset[str]:
        """Every context URL this loader answers without the network."""
        return frozenset(self.contexts.documents) | ACAPY_BUNDLED_URLS

    async def load_document(self, url: str, options: dict[str, Any]) -> dict[str, Any]:
        """Answer a bundled context, else defer to ACA-Py only when it needs no download."""
        document = self.contexts.remote_document(url)
        if document is not None:
            return document
        if url.startswith(("http://", "https://")) and url not in ACAPY_BUNDLED_URLS:
            raise ContextNotBundledError(url)
        loaded: dict[str, Any] = await super().load_document(url, options)
        return loaded

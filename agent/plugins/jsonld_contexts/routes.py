"""Admin route: which JSON-LD contexts this agent can load, so its controller can explain.

ACA-Py reports a credential with an unknown context only as "Could not expand input" and
leaves the exchange at `credential-received`. With this list the learner's controller can
name the context that is missing. ACA-Py's admin API key guards this route like any other.
"""

from acapy_agent.admin.request_context import AdminRequestContext
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader
from aiohttp import web

from .loader import OfflineDocumentLoader

ROUTE = "/learner-wallet/jsonld-contexts"


async def known_contexts(request: web.BaseRequest) -> web.Response:
    """The context URLs answered without the network; 503 before the loader is bound."""
    context: AdminRequestContext = request["context"]
    loader = context.profile.inject_or(DocumentLoader)
    if not isinstance(loader, OfflineDocumentLoader):
        raise web.HTTPServiceUnavailable(reason="the offline JSON-LD loader is not bound yet")
    return web.json_response({"urls": sorted(loader.known_urls())})


async def register(app: web.Application) -> None:
    """Called by ACA-Py's plugin registry when it builds the admin server."""
    app.add_routes([web.get(ROUTE, known_contexts, allow_head=False)])

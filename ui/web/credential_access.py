"""What the credential routes share: the running wallet's credentials, the check that a
browser came from our own pages, and ACA-Py's failures as the API reports them."""

from __future__ import annotations

from aiohttp import web

from agent.admin_client import AdminApiError
from ui.web.errors import ApiError
from ui.web.security import AUTH_KEY
from ui.web.services import services_of
from wallet.credentials.stored import StoredCredentials
from wallet.credentials.sync import stored_credentials


def only_our_pages(request: web.Request) -> None:
    """A browser must come from our own pages (or the address bar), never from another
    page on this computer: a cookie reaches any port of 127.0.0.1, an Origin check only
    guards requests that change something."""
    site = request.headers.get("Sec-Fetch-Site", "same-origin")
    if request.get(AUTH_KEY) == "session" and site not in ("same-origin", "none"):
        raise ApiError(403, "bad_origin")


def credentials_of(request: web.Request) -> StoredCredentials:
    try:
        return stored_credentials(services_of(request))
    except RuntimeError:
        raise ApiError(503, "wallet_not_ready") from None


def agent_error(error: AdminApiError) -> ApiError:
    return ApiError(502, "agent_error", detail=str(error))

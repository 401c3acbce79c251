"""The wallet's status-list checker: lists fetched like did:web documents, proofs checked by
the wallet's own ACA-Py (offline: bundled contexts only, see importing/verification.py)."""

from __future__ import annotations

from typing import Any

from agent.admin_client import AdminApiError, AdminClient
from wallet.credentials.importing.verification import VERIFY_PATH, VerificationAnswer
from wallet.credentials.status_list import StatusListChecker


def wallet_status_lists(client: AdminClient) -> StatusListChecker:
    """Https only, size and time bounded, the CA bundle of the environment (SSL_CERT_FILE).

    The plugin's fetcher loads on the first list asked for: it pulls in ACA-Py's AnonCreds
    package (a third of a second), which the wallet's start need not wait for (issue #20).
    """
    fetchers: list[Any] = []

    async def fetch(url: str) -> dict[str, Any]:
        if not fetchers:
            from agent.plugins.didweb_anoncreds.fetch import JsonFetcher
            from agent.plugins.didweb_anoncreds.settings import DidWebSettings

            fetchers.append(JsonFetcher(DidWebSettings.from_sources(None)))
        result: dict[str, Any] = await fetchers[0].get_json(url, "status list")
        return result

    async def verify(document: dict[str, Any]) -> bool:
        try:
            body = await client.request(
                "POST", VERIFY_PATH, json={"verifiableCredential": document}
            )
        except AdminApiError:
            return False
        return VerificationAnswer.model_validate(body).verified

    return StatusListChecker(fetch, verify)

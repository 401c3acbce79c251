"""Issue #4 point 4, wallet side: a revoked credential shows as revoked in the real wallet.

One credential is revoked with a notification (RFC 0183): the wallet's index marks it from
the webhook alone, since the list never asks status lists. The other is revoked silently:
the detail view asks the issuer's status list (through our did:web registry) and finds out.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from demo.peers import IssuerPeer, poll_until
from tests.integration.test_credentials import (
    TIMEOUT,
    anoncreds_attributes,
    api,
    connect,
    learner_agent,
    receive_anoncreds,
)
from tests.integration.wallet_cli import WalletCli

pytestmark = pytest.mark.integration


async def status_in_list(learner: WalletCli, credential_id: str) -> str:
    page = await api(learner, "GET", "/api/credentials?format=anoncreds&limit=100")
    return next(item["status"] for item in page["items"] if item["id"] == credential_id)


async def test_revoked_with_notice_and_silently_both_show_revoked(
    issuer: IssuerPeer, learner: WalletCli
) -> None:
    async with learner_agent(learner) as agent:
        connection_id = await connect(learner, issuer)
        noticed, noticed_offer = await receive_anoncreds(
            learner, agent, issuer, connection_id, anoncreds_attributes("Ethics", "Ada One")
        )
        silent, silent_offer = await receive_anoncreds(
            learner, agent, issuer, connection_id, anoncreds_attributes("Logic", "Ada Two")
        )
    for credential_id in (noticed, silent):
        assert await status_in_list(learner, credential_id) == "valid"
        detail = await api(learner, "GET", f"/api/credentials/{quote(credential_id)}")
        assert detail["status"] == "valid"  # the status list was read and says so

    await issuer.revoke(noticed_offer, notify=True)

    async def noticed_revoked() -> bool:
        return await status_in_list(learner, noticed) == "revoked"

    await poll_until("the notice to mark the credential revoked", noticed_revoked, TIMEOUT)
    assert await status_in_list(learner, silent) == "valid"

    await issuer.revoke(silent_offer, notify=False)

    async def silent_revoked() -> bool:
        detail = await api(learner, "GET", f"/api/credentials/{quote(silent)}")
        return detail["status"] == "revoked"

    # The issuer publishes a new status list version; the next read "as of now" sees it.
    await poll_until("the status list to show the silent revocation", silent_revoked, TIMEOUT)
    assert await status_in_list(learner, silent) == "revoked"
    detail = await api(learner, "GET", f"/api/credentials/{quote(noticed)}")
    assert detail["status"] == "revoked"

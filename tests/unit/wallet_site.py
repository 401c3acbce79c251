"""One way for unit tests to build a wallet's services over a fake admin API and serve its app.

The agent is never started (the admin API is faked at the HTTP boundary); the controller
store is a real Askar store in the test's temp dir.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer
from aries_askar import Store

from agent.admin_client import AdminClient
from agent.events import EventBus
from agent.process import AcaPyProcess, AcaPySecrets
from config.acapy_args import AcaPyLaunch
from config.data_dir import DataDir
from config.settings import WalletSettings
from protocols.consent import TrustList
from protocols.wallet_services import WalletServices
from tests.unit.fake_admin import ADMIN_KEY
from ui.web.app import create_app
from ui.web.security import UiSecrets
from wallet.controller_store import ControllerStore
from wallet.wallet_key import WalletRecord, WalletSecret

TOKEN = "unit-test-ui-token"


async def make_services(
    admin_url: str,
    tmp_path: Path,
    trust: TrustList | None = None,
    *,
    subject_dids: dict[str, str] | None = None,
    with_store: bool = True,
    **settings: Any,
) -> WalletServices:
    """Wallet services over the fake admin API at `admin_url`, with a never-started agent."""
    launch = AcaPyLaunch(
        label="Learner",
        acapy_home=tmp_path,
        wallet_name="w",
        admin_port=1,
        inbound_port=2,
        log_file=tmp_path / "a.log",
    )
    record = WalletRecord(
        wallet_name="w",
        key_storage="keyring",
        created=datetime.now(UTC),
        subject_dids=subject_dids or {},
    )
    store = None
    if with_store:
        secret = WalletSecret(key=Store.generate_raw_key(), derivation="RAW")
        store = await ControllerStore.open(DataDir(tmp_path), secret)
    return WalletServices(
        DataDir(tmp_path),
        WalletSettings(**settings),
        record,
        AcaPyProcess(launch, AcaPySecrets(wallet_key="k")),
        AdminClient(admin_url, ADMIN_KEY),
        EventBus(),
        store,
        trust=trust or TrustList(),
    )


async def close_services(services: WalletServices) -> None:
    await services.client.close()
    if services.store is not None:
        await services.store.close()


@asynccontextmanager
async def serving(services: WalletServices) -> AsyncIterator[tuple[TestServer, UiSecrets]]:
    """The real web app for `services` on 127.0.0.1, with the API token TOKEN."""
    ui = UiSecrets(api_token=TOKEN)
    server = TestServer(create_app(services, ui), host="127.0.0.1")
    await server.start_server()
    ui.port = server.port
    try:
        yield server, ui
    finally:
        await server.close()

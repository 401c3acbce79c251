"""The holder's ACA-Py through the library: same wallet after restart, admin key enforced."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from agent.admin_client import AdminClient
from agent.admin_models import DidCreateRequest
from config.data_dir import DataDir
from config.settings import load_settings
from tests.integration.wallet_cli import pid_alive
from wallet.holder_agent import start_holder_agent
from wallet.provision import init_wallet
from wallet.wallet_key import load_key, load_wallet_record

pytestmark = pytest.mark.integration


def _no_prompt(prompt: str) -> str:
    raise AssertionError(prompt)


@pytest.fixture
async def wallet(tmp_path: Path) -> DataDir:
    data_dir = DataDir(tmp_path / "wallet")
    await init_wallet(data_dir, _no_prompt)
    return data_dir


async def _start(data_dir: DataDir):
    settings = load_settings(data_dir.config_file)
    record = load_wallet_record(data_dir)
    return await start_holder_agent(data_dir, settings, record, load_key(data_dir, _no_prompt))


async def test_restart_reopens_the_same_wallet(wallet: DataDir) -> None:
    agent = await _start(wallet)
    try:
        async with AdminClient(agent.admin_url, agent.admin_key) as client:
            created = await client.create_did(
                DidCreateRequest(method="key", options={"key_type": "ed25519"})
            )
    finally:
        await agent.stop()
    assert not pid_alive(agent.pid or 0)
    again = await _start(wallet)
    try:
        async with AdminClient(again.admin_url, again.admin_key) as client:
            listed = {did.did for did in await client.list_dids()}
    finally:
        await again.stop()
    assert created.did in listed
    # The DIDComm port is kept from init, so peers' connections survive the restart.
    assert agent.launch.inbound_port == again.launch.inbound_port
    assert again.launch.inbound_port == load_wallet_record(wallet).inbound_port


async def test_admin_api_refuses_requests_without_its_key(wallet: DataDir) -> None:
    agent = await _start(wallet)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{agent.admin_url}/status") as response:
                assert response.status == 401
            wrong = {"x-api-key": agent.admin_key[:-1]}
            async with session.get(f"{agent.admin_url}/wallet/did", headers=wrong) as response:
                assert response.status == 401
            right = {"x-api-key": agent.admin_key}
            async with session.get(f"{agent.admin_url}/status", headers=right) as response:
                assert response.status == 200
        assert agent.admin_url.startswith("http://127.0.0.1:")
        cmdline = Path(f"/proc/{agent.pid}/cmdline").read_bytes()
        assert agent.admin_key.encode() not in cmdline
        assert b"--admin-insecure-mode" not in cmdline
        assert b"--auto-respond-presentation-request" not in cmdline
    finally:
        await agent.stop()

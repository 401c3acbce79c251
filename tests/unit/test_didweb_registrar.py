"""The plugin inside ACA-Py's AnonCredsRegistry: set-up, registration and status lists."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from acapy_agent.anoncreds.default.did_web.registry import DIDWebRegistry
from acapy_agent.anoncreds.default.legacy_indy.registry import LegacyIndyRegistry
from acapy_agent.anoncreds.events import REV_LIST_FINISHED_EVENT
from acapy_agent.anoncreds.models.credential_definition import CredDef
from acapy_agent.anoncreds.models.revocation import RevList, RevRegDef
from acapy_agent.anoncreds.models.schema import AnonCredsSchema
from acapy_agent.anoncreds.registry import AnonCredsRegistry
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.utils.testing import create_test_profile

from agent.plugins.didweb_anoncreds import setup
from agent.plugins.didweb_anoncreds.acapy_registrar import DidWebAnonCredsRegistrar
from agent.plugins.didweb_anoncreds.acapy_resolver import DidWebAnonCredsResolver
from agent.plugins.didweb_anoncreds.errors import DidWebObjectNotFound

from .didweb_fixtures import Web, web_fixture  # noqa: F401


async def installed_registry(web: Web) -> AnonCredsRegistry:
    """An AnonCredsRegistry as ACA-Py builds it, after our plugin's setup ran."""
    registry = AnonCredsRegistry([DIDWebRegistry(), LegacyIndyRegistry()])
    config = {"publish_dir": str(web.publisher.root), "ca_file": str(web.ca_bundle)}
    context = InjectionContext(settings={"plugin_config": {"didweb_anoncreds": config}})
    context.injector.bind_instance(AnonCredsRegistry, registry)
    await setup(context)
    return registry


async def test_setup_replaces_the_builtin_stub(web: Web, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    registry = await installed_registry(web)

    handlers = registry.resolvers + registry.registrars
    assert not any(isinstance(handler, DIDWebRegistry) for handler in handlers)
    assert isinstance(await registry._registrar_for_identifier(web.did), DidWebAnonCredsRegistrar)
    schema_id = await web.publish("schema", web.schema("setup"))
    assert isinstance(await registry._resolver_for_identifier(schema_id), DidWebAnonCredsResolver)
    assert "removed ACA-Py's built-in did:web AnonCreds stub (2 handler entries)" in caplog.text


async def test_schema_and_cred_def_round_trip(web: Web) -> None:
    registry = await installed_registry(web)
    profile: Any = None  # neither path touches the profile
    schema = AnonCredsSchema(web.did, ["name", "score"], "diploma", "2.0")

    schema_result = await registry.register_schema(profile, schema)
    schema_id = schema_result.schema_state.schema_id
    assert schema_result.schema_state.state == "finished"
    assert re.fullmatch(
        rf"{re.escape(web.did)}\?service=anoncreds&relativeRef=/schema/\w+", schema_id
    )

    resolved = await registry.get_schema(profile, schema_id)
    assert resolved.schema.serialize() == schema.serialize()
    info = await registry.get_schema_info_by_id(profile, schema_id)
    assert (info.issuer_id, info.name, info.version) == (web.did, "diploma", "2.0")

    cred_def = CredDef.deserialize(_cred_def(web.did, schema_id))
    cred_def_result = await registry.register_credential_definition(profile, resolved, cred_def)
    cred_def_id = cred_def_result.credential_definition_state.credential_definition_id
    assert "relativeRef=/credDef/" in cred_def_id
    fetched = await registry.get_credential_definition(profile, cred_def_id)
    assert fetched.credential_definition.serialize() == cred_def.serialize()


async def test_status_lists_are_found_as_of_a_timestamp(web: Web) -> None:
    registry = await installed_registry(web)
    profile, finished = await _profile_recording(REV_LIST_FINISHED_EVENT)
    rev_reg_def = RevRegDef.deserialize(_rev_reg_def(web.did))
    result = await registry.register_revocation_registry_definition(profile, rev_reg_def)
    rev_reg_id = result.revocation_registry_definition_state.revocation_registry_definition_id
    endpoint = result.revocation_registry_definition_metadata["revocationStatusListEndpoint"]
    assert endpoint.startswith(f"{web.host.origin}/anoncreds/revStatus/")

    first = RevList(web.did, rev_reg_id, [0, 0, 0, 0], "21 ACC1")
    registered = await registry.register_revocation_list(profile, rev_reg_def, first)
    t1 = registered.revocation_list_state.revocation_list.timestamp
    second = RevList(web.did, rev_reg_id, [0, 1, 0, 0], "21 ACC2", timestamp=t1)
    updated = await registry.update_revocation_list(profile, rev_reg_def, first, second, [1])
    t2 = updated.revocation_list_state.revocation_list.timestamp

    assert t2 > t1  # same second: the registrar waits rather than overwrite a version
    assert updated.revocation_list_metadata["previousVersionId"] == str(t1)
    await _until(lambda: bool(finished), "the RevListFinishedEvent of the update")
    assert [event.payload.revoked for event in finished] == [[1]]
    at_t1 = await registry.get_revocation_list(profile, rev_reg_id, 0, t1)
    assert (at_t1.revocation_list.timestamp, at_t1.revocation_list.current_accumulator) == (
        t1,
        "21 ACC1",
    )
    latest = await registry.get_revocation_list(profile, rev_reg_id, 0, None)
    assert latest.revocation_list.revocation_list == [0, 1, 0, 0]
    assert latest.revocation_list.timestamp == t2
    with pytest.raises(DidWebObjectNotFound):
        await registry.get_revocation_list(profile, rev_reg_id, 0, t1 - 1)
    rev_reg = await registry.get_revocation_registry_definition(profile, rev_reg_id)
    assert rev_reg.revocation_registry.serialize() == rev_reg_def.serialize()


async def _until(condition: Callable[[], bool], what: str, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def _profile_recording(topic: str) -> tuple[Profile, list[Event]]:
    bus = EventBus()
    context = InjectionContext()
    context.injector.bind_instance(EventBus, bus)
    profile = await create_test_profile(context=context)
    seen: list[Event] = []

    async def record(_profile: Profile, event: Event) -> None:
        seen.append(event)

    bus.subscribe(re.compile(re.escape(topic)), record)
    return profile, seen


def _cred_def(did: str, schema_id: str) -> dict[str, Any]:
    primary = {"n": "11", "s": "12", "r": {"name": "13", "master_secret": "14"}, "rctxt": "15"}
    return {
        "issuerId": did,
        "schemaId": schema_id,
        "type": "CL",
        "tag": "default",
        "value": {"primary": {**primary, "z": "16"}},
    }


def _rev_reg_def(did: str) -> dict[str, Any]:
    return {
        "issuerId": did,
        "revocDefType": "CL_ACCUM",
        "credDefId": f"{did}?service=anoncreds&relativeRef=/credDef/{'5' * 44}",
        "tag": "0",
        "value": {
            "publicKeys": {"accumKey": {"z": "1 0BB 1 0C"}},
            "maxCredNum": 4,
            "tailsLocation": "https://127.0.0.1/tails/hash/abc",
            "tailsHash": "abc",
        },
    }

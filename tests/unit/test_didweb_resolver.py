"""Resolving did:web AnonCreds objects from a real HTTPS host, and every way it must refuse."""

from __future__ import annotations

import json

import pytest

from agent.plugins.didweb_anoncreds.errors import (
    DidWebObjectNotFound,
    HostUnreachableError,
    InsecureEndpointError,
    IssuerMismatchError,
    ResourceTamperedError,
    ResponseTooLargeError,
)
from agent.plugins.didweb_anoncreds.identifiers import object_id, parse_object_id, resource_id
from agent.plugins.didweb_anoncreds.publisher import write_did_document
from agent.plugins.didweb_anoncreds.resolver import DidWebObjectResolver
from agent.plugins.didweb_anoncreds.settings import DidWebSettings
from agent.ports import free_port

from .didweb_fixtures import Web, web_fixture  # noqa: F401


async def test_resolves_a_published_schema(web: Web) -> None:
    schema = web.schema()
    schema_id = await web.publish("schema", schema)

    found = await web.resolver().resolve(schema_id)

    assert found.resource == schema
    assert found.did == web.did
    assert found.metadata == {}


async def test_tampered_resource_is_refused(web: Web) -> None:
    schema_id = await web.publish("schema", web.schema("tamper-me"))
    path = web.publisher.path_for(parse_object_id(schema_id).relative_ref)
    document = json.loads(path.read_text())
    document["resource"]["attrNames"].append("extra")
    path.write_text(json.dumps(document))

    with pytest.raises(ResourceTamperedError, match="changed after it was published"):
        await web.resolver().resolve(schema_id)


async def test_resource_of_another_issuer_is_refused(web: Web) -> None:
    foreign = {**web.schema("foreign"), "issuerId": "did:web:evil.example"}
    schema_id = await web.publish("schema", foreign)  # a valid hash, served under our DID

    with pytest.raises(IssuerMismatchError, match=r"did:web:evil\.example"):
        await web.resolver().resolve(schema_id)


async def test_http_endpoint_is_refused_by_default(web: Web) -> None:
    did = web.host.did("plain")
    write_did_document(web.root, did, f"http://127.0.0.1:{web.host.port}/anoncreds")
    schema_id = object_id(did, "schema", resource_id({"any": "thing"}))

    with pytest.raises(InsecureEndpointError, match="not an https URL"):
        await web.resolver().resolve(schema_id)


async def test_unreachable_host_is_reported(web: Web) -> None:
    did = f"did:web:127.0.0.1%3A{free_port()}"
    schema_id = object_id(did, "schema", resource_id({"any": "thing"}))

    with pytest.raises(HostUnreachableError, match="unreachable"):
        await web.resolver().resolve(schema_id)


async def test_untrusted_certificate_is_reported(web: Web) -> None:
    schema_id = await web.publish("schema", web.schema("tls"))
    system_only = DidWebObjectResolver(DidWebSettings(cache_ttl=0))

    with pytest.raises(HostUnreachableError, match="certificate"):
        await system_only.resolve(schema_id)


async def test_oversized_response_is_refused(web: Web) -> None:
    schema_id = await web.publish("schema", web.schema("big", [f"a{i}" for i in range(500)]))

    with pytest.raises(ResponseTooLargeError, match="2048 byte limit"):
        await web.resolver(max_bytes=2048).resolve(schema_id)


async def test_missing_object_is_not_found(web: Web) -> None:
    schema_id = object_id(web.did, "schema", resource_id({"never": "published"}))

    with pytest.raises(DidWebObjectNotFound, match="404"):
        await web.resolver().resolve(schema_id)


async def test_cache_serves_within_ttl_and_refetches_after(web: Web) -> None:
    clock = [0.0]
    resolver = web.resolver(cache_ttl=60.0)
    for cache in (resolver._documents, resolver._objects):
        cache._clock = lambda: clock[0]
    schema_id = await web.publish("schema", web.schema("cached"))
    await resolver.resolve(schema_id)
    web.publisher.path_for(parse_object_id(schema_id).relative_ref).unlink()

    assert (await resolver.resolve(schema_id)).resource["name"] == "cached"
    clock[0] = 61.0
    with pytest.raises(DidWebObjectNotFound):
        await resolver.resolve(schema_id)


async def test_did_document_must_name_its_own_did(web: Web) -> None:
    did = web.host.did("liar")
    write_did_document(web.root, did, f"{web.host.origin}/anoncreds")
    path = web.root / "liar" / "did.json"
    path.write_text(path.read_text().replace(did, web.did))

    with pytest.raises(Exception, match="expected did:web"):
        await web.resolver().did_document(did)

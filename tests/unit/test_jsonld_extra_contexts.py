"""An issuer's own contexts (`jsonld_contexts.extra_contexts`) and the known-contexts route.

Issuers and verifiers with a vocabulary of their own list it in one JSON file; it can add
contexts but never replace ours. The route lets the learner's controller name the context a
credential it could not store is missing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from acapy_agent.admin.request_context import AdminRequestContext
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.core.util import STARTUP_EVENT_TOPIC
from acapy_agent.resolver.did_resolver import DIDResolver
from acapy_agent.utils.testing import create_test_profile
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from agent.plugins import jsonld_contexts
from agent.plugins.jsonld_contexts import routes
from agent.plugins.jsonld_contexts.errors import BundledContextError
from agent.plugins.jsonld_contexts.loader import ACAPY_BUNDLED_URLS, OfflineDocumentLoader
from agent.plugins.jsonld_contexts.registry import (
    MICROCREDENTIAL_CONTEXT_URL,
    load_bundled_contexts,
    load_extra_contexts,
    with_extra,
)

TRANSCRIPT = "https://registrar.example/contexts/transcript/v1"
TRANSCRIPT_DOCUMENT = {"@context": {"transcriptNote": "https://registrar.example/vocab#note"}}


def extra_file(tmp_path: Path, mapping: Any) -> Path:
    path = tmp_path / "extra.json"
    path.write_text(mapping if isinstance(mapping, str) else json.dumps(mapping), "utf-8")
    return path


async def started_profile(plugin_config: dict[str, Any]) -> Profile:
    context = InjectionContext(settings={"plugin_config": plugin_config})
    context.injector.bind_instance(DIDResolver, DIDResolver())
    context.injector.bind_instance(EventBus, EventBus())
    profile = await create_test_profile(context=context)
    await jsonld_contexts.setup(profile.context)
    await profile.inject(EventBus).notify(profile, Event(STARTUP_EVENT_TOPIC, {}))
    await profile.inject(EventBus).task_queue.wait_for(5)
    return profile


@pytest.fixture
async def issuer_profile(tmp_path: Path) -> AsyncIterator[Profile]:
    path = extra_file(tmp_path, {TRANSCRIPT: TRANSCRIPT_DOCUMENT})
    profile = await started_profile({"jsonld_contexts": {"extra_contexts": str(path)}})
    yield profile
    await profile.close()


async def test_an_issuers_extra_context_is_answered_offline(issuer_profile: Profile) -> None:
    loader = issuer_profile.inject(DocumentLoader)
    assert isinstance(loader, OfflineDocumentLoader)
    answered = await loader.load_document(TRANSCRIPT, {})
    assert json.loads(answered["document"]) == TRANSCRIPT_DOCUMENT
    assert TRANSCRIPT in loader.known_urls()
    assert {MICROCREDENTIAL_CONTEXT_URL, *ACAPY_BUNDLED_URLS} <= loader.known_urls()


@pytest.mark.parametrize(
    ("mapping", "complaint"),
    [
        ("{not json", "is not JSON"),
        ([TRANSCRIPT], "must map context URLs"),
        ({"urn:x": TRANSCRIPT_DOCUMENT}, "is not an http(s) URL"),
        ({TRANSCRIPT: {"terms": {}}}, "has no @context"),
    ],
)
def test_a_broken_extra_contexts_file_is_refused_with_the_reason(
    tmp_path: Path, mapping: Any, complaint: str
) -> None:
    with pytest.raises(
        BundledContextError, match=complaint.replace("(", r"\(").replace(")", r"\)")
    ):
        load_extra_contexts(extra_file(tmp_path, mapping))


def test_a_missing_extra_contexts_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundledContextError, match="extra contexts file"):
        load_extra_contexts(tmp_path / "absent.json")


def test_extra_contexts_can_never_replace_ours() -> None:
    bundled = load_bundled_contexts()
    with pytest.raises(BundledContextError, match="may not replace"):
        with_extra(bundled, {MICROCREDENTIAL_CONTEXT_URL: json.dumps(TRANSCRIPT_DOCUMENT)})


# ACA-Py's admin server keeps its request context under this plain string key too.
@pytest.mark.filterwarnings("ignore:It is recommended to use web.RequestKey")
async def test_the_route_lists_every_context_the_agent_loads(issuer_profile: Profile) -> None:
    @web.middleware
    async def admin_context(request: web.Request, handler: Any) -> web.StreamResponse:
        request["context"] = AdminRequestContext(issuer_profile)
        return await handler(request)

    app = web.Application(middlewares=[admin_context])
    await routes.register(app)
    async with TestClient(TestServer(app)) as client:
        response = await client.get(routes.ROUTE)
        assert response.status == 200
        urls = set((await response.json())["urls"])
    loader = issuer_profile.inject(DocumentLoader)
    assert isinstance(loader, OfflineDocumentLoader)
    assert urls == loader.known_urls()
    assert {TRANSCRIPT, MICROCREDENTIAL_CONTEXT_URL, *ACAPY_BUNDLED_URLS} <= urls

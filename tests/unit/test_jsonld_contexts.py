"""The JSON-LD context plugin answers every bundled context offline and refuses the rest fast.

A wallet that quietly downloads contexts would work in tests and break (or leak) on a
learner's machine, so every test here runs with the network cut off.
"""

import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import Event, EventBus
from acapy_agent.core.profile import Profile
from acapy_agent.core.util import STARTUP_EVENT_TOPIC
from acapy_agent.resolver.did_resolver import DIDResolver
from acapy_agent.utils.testing import create_test_profile
from acapy_agent.vc.ld_proofs.document_loader import DocumentLoader
from pyld import jsonld

from agent.plugins import jsonld_contexts
from agent.plugins.jsonld_contexts.errors import BundledContextError, ContextNotBundledError
from agent.plugins.jsonld_contexts.loader import ACAPY_BUNDLED_URLS, OfflineDocumentLoader
from agent.plugins.jsonld_contexts.registry import (
    MICROCREDENTIAL_CONTEXT_URL,
    OB_CONTEXT_BASE,
    OB_CONTEXT_URL,
    SOURCES,
    BundledContexts,
    ContextSource,
    load_bundled_contexts,
)

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
BBS = "https://w3id.org/security/bbs/v1"
BUNDLED_URLS = sorted(url for source in SOURCES for url in source.urls)
UNKNOWN_URLS = [
    "https://www.w3.org/2018/credentials/examples/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-9.9.9.json",
    "http://learner-wallet.example/contexts/microcredential/v1",
    "https://10.255.255.1/context.json",
]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Make every outgoing connection or DNS lookup fail, and record that it was tried."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts


@pytest.fixture(scope="module")
def contexts() -> BundledContexts:
    return load_bundled_contexts()


@pytest.fixture
async def profile() -> AsyncIterator[Profile]:
    context = InjectionContext()
    context.injector.bind_instance(DIDResolver, DIDResolver())
    context.injector.bind_instance(EventBus, EventBus())
    test_profile = await create_test_profile(context=context)
    yield test_profile
    await test_profile.close()


@pytest.fixture
def loader(profile: Profile, contexts: BundledContexts) -> OfflineDocumentLoader:
    return OfflineDocumentLoader(profile, contexts)


def test_the_urls_issuers_use_are_bundled() -> None:
    for url in (
        MICROCREDENTIAL_CONTEXT_URL,
        OB_CONTEXT_URL,
        OB_CONTEXT_BASE + "context.json",
        OB_CONTEXT_BASE + "context-3.0.2.json",
        OB_CONTEXT_BASE + "context-3.0.1.json",
    ):
        assert url in BUNDLED_URLS


@pytest.mark.parametrize("url", BUNDLED_URLS)
async def test_bundled_url_resolves_offline(
    url: str, loader: OfflineDocumentLoader, no_network: list[Any]
) -> None:
    remote = await loader.load_document(url, {})

    document = jsonld.load_document(url, {"documentLoader": lambda u, o: remote})["document"]
    assert remote["documentUrl"] == url
    assert isinstance(document["@context"], dict | list)
    assert no_network == []


@pytest.mark.parametrize("url", sorted(ACAPY_BUNDLED_URLS))
async def test_acapy_contexts_still_answered_offline(
    url: str, loader: OfflineDocumentLoader, no_network: list[Any]
) -> None:
    remote = await loader.load_document(url, {})

    assert remote["document"]
    assert no_network == []


@pytest.mark.parametrize("url", UNKNOWN_URLS)
async def test_unknown_url_fails_fast_without_network(
    url: str, loader: OfflineDocumentLoader, no_network: list[Any]
) -> None:
    started = time.monotonic()
    with pytest.raises(ContextNotBundledError, match="never fetched") as error:
        await loader.load_document(url, {})

    assert error.value.url == url
    assert time.monotonic() - started < 0.5
    assert no_network == []


async def test_credential_with_unknown_context_is_refused_by_pyld(
    loader: OfflineDocumentLoader, no_network: list[Any]
) -> None:
    credential = {"@context": [V2, UNKNOWN_URLS[0]], "type": ["VerifiableCredential"]}

    with pytest.raises(jsonld.JsonLdError) as error:
        jsonld.expand(credential, {"documentLoader": loader})

    assert _caused_by(error.value, ContextNotBundledError)
    assert no_network == []


def _micro(base: str) -> dict[str, Any]:
    return {
        "@context": [base, MICROCREDENTIAL_CONTEXT_URL],
        "type": ["VerifiableCredential", "MicroCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {
            "id": "did:example:learner",
            "courseTitle": "Introduction to Data Science",
            "provider": "Example Open University",
            "score": 87,
            "completionDate": "2025-06-30",
            "credits": 5,
            "level": "EQF 5",
            "skills": ["Python", "Data analysis"],
        },
    }


def _badge(base: str, ob_context: str) -> dict[str, Any]:
    return {
        "@context": [base, ob_context],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Science 101",
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example University"},
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:6b3c7f0e-1a63-4a5e-9f43-2b8b1c1e7d10",
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": "Data Science 101",
                "description": "Introductory course.",
                "criteria": {"narrative": "Pass the final exam."},
            },
            "result": [{"type": ["Result"], "value": "87"}],
        },
    }


@pytest.mark.parametrize(
    ("credential", "expected"),
    [
        (_micro(V2), "microcredential#score"),
        (_micro(V1), "microcredential#skills"),
        (_badge(V2, OB_CONTEXT_URL), "vocab.html#achievementType"),
        (_badge(V1, OB_CONTEXT_URL), "vocab.html#Criteria"),
        (_badge(V2, OB_CONTEXT_BASE + "context-3.0.2.json"), "vocab.html#AchievementSubject"),
        (_badge(V1, OB_CONTEXT_BASE + "context-3.0.1.json"), "vocab.html#OpenBadgeCredential"),
    ],
)
@pytest.mark.parametrize("suite", [ED25519_2020, BBS])
async def test_credentials_canonicalise_offline(
    credential: dict[str, Any],
    expected: str,
    suite: str,
    loader: OfflineDocumentLoader,
    no_network: list[Any],
) -> None:
    """The contexts combine with the VC and proof-suite contexts ACA-Py adds when signing."""
    document = {**credential, "@context": [*credential["@context"], suite]}

    nquads = jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
    )

    assert expected in nquads
    assert no_network == []


async def test_score_is_typed_as_integer(loader: OfflineDocumentLoader) -> None:
    nquads = jsonld.to_rdf(_micro(V2), {"format": "application/n-quads", "documentLoader": loader})

    assert '"87"^^<http://www.w3.org/2001/XMLSchema#integer>' in nquads
    assert '"2025-06-30"^^<http://www.w3.org/2001/XMLSchema#date>' in nquads


def test_microcredential_terms_are_flat(contexts: BundledContexts) -> None:
    """BBS disclosure in ACA-Py 1.7 breaks on type-scoped terms, so ours must have none."""
    context = jsonld.json.loads(contexts.documents[MICROCREDENTIAL_CONTEXT_URL])["@context"]

    assert context["@protected"] is True
    scoped = [
        term for term, value in context.items() if isinstance(value, dict) and "@context" in value
    ]
    assert scoped == []


def test_changed_context_file_is_refused() -> None:
    tampered = ContextSource(
        urls=(MICROCREDENTIAL_CONTEXT_URL,),
        path="contexts/microcredential-v1.jsonld",
        sha256="0" * 64,
    )

    with pytest.raises(BundledContextError, match="differs from the pinned context"):
        load_bundled_contexts((tampered,))


def test_missing_package_names_the_install_command() -> None:
    missing = ContextSource(
        urls=(OB_CONTEXT_URL,),
        path="x.json",
        sha256="0" * 64,
        package="learner-wallet-no-such-package",
    )

    with pytest.raises(BundledContextError, match="pip install"):
        load_bundled_contexts((missing,))


async def test_plugin_binds_loader_on_startup_event(profile: Profile) -> None:
    """ACA-Py overwrites a loader bound in setup(), so the plugin binds on start-up instead."""
    bus = profile.inject(EventBus)
    await jsonld_contexts.setup(profile.context)
    assert not isinstance(profile.inject_or(DocumentLoader), OfflineDocumentLoader)

    await bus.notify(profile, Event(STARTUP_EVENT_TOPIC, {}))
    await bus.task_queue.wait_for(5)

    assert isinstance(profile.inject(DocumentLoader), OfflineDocumentLoader)


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or getattr(error, "cause", None)
    return False

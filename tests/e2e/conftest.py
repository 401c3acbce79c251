"""Browser tests reuse the integration peers (issuer, verifier, did:web host) and learner."""

from __future__ import annotations

from tests.integration.conftest import (  # noqa: F401  (fixtures, found by name)
    didweb_host,
    issuer,
    learner,
    peers_dir,
    verifier,
)

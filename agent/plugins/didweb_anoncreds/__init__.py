"""ACA-Py plugin: AnonCreds objects published and resolved under did:web issuers.

Load with `--plugin agent.plugins.didweb_anoncreds`; settings are described in
`settings.py`. ACA-Py is imported only inside `setup`, so the pure modules here (JCS,
identifiers, publisher) are usable without it.
"""

from __future__ import annotations

from typing import Any


async def setup(context: Any) -> None:
    """ACA-Py's plugin hook: swap its did:web stub for our resolver and registrar."""
    from .plugin import install

    await install(context)

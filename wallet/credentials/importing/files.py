"""What an uploaded file holds: one credential, a presentation, or a list of credentials.

Only JSON is read (JSON-LD credentials, Open Badges 3.0 included). A VC-JWT, or a JSON
document that wraps one, is refused with its own reason: ACA-Py 1.7 has no offline check
for it. The presentation's own proof is not checked: it belongs to whoever presented,
with a challenge we do not know; each credential inside carries its issuer's proof, and
that is what is verified.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wallet.credentials.importing.refusals import ImportRefused

MAX_FILE_BYTES = 1024 * 1024
MAX_CREDENTIALS = 50
JWT = re.compile(r"^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$")
ENVELOPED = "EnvelopedVerifiableCredential"


def credentials_in(content: bytes) -> list[dict[str, Any]]:
    """The credentials in a file, in file order; ImportRefused if there are none to try."""
    if len(content) > MAX_FILE_BYTES:
        raise ValueError("a caller must refuse files over MAX_FILE_BYTES before reading")
    try:
        text = content.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise ImportRefused("not_json", "not UTF-8 text") from None
    if JWT.match(text):
        raise ImportRefused("jwt", "a JSON Web Token, not a JSON-LD document")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            "not_json", f"line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    found = _credentials(parsed)
    if not found:
        raise ImportRefused("not_credential", "no object with type VerifiableCredential")
    if len(found) > MAX_CREDENTIALS:
        raise ImportRefused("too_many", f"{len(found)} credentials, at most {MAX_CREDENTIALS}")
    return found


def _credentials(parsed: Any) -> list[dict[str, Any]]:
    """Credentials, or what stands in their place (a JWT string), from the parsed JSON."""
    if isinstance(parsed, str) and JWT.match(parsed.strip()):
        raise ImportRefused("jwt", "a JSON Web Token, not a JSON-LD document")
    if isinstance(parsed, list):
        return [item for entry in parsed for item in _credentials(entry)]
    if not isinstance(parsed, dict):
        return []
    types = types_of(parsed)
    if ENVELOPED in types:
        raise ImportRefused("jwt", "an enveloped credential (a JSON Web Token inside)")
    if "VerifiableCredential" in types:
        return [parsed]
    inner = parsed.get("verifiableCredential")
    if "VerifiablePresentation" in types or inner is not None:
        # A presentation, or the `{"verifiableCredential": ...}` answer of a VC API issuer.
        return _credentials(inner)
    if "vc" in parsed and isinstance(parsed["vc"], dict):
        raise ImportRefused("jwt", "the claims of a JSON Web Token credential")
    return []


def types_of(document: dict[str, Any]) -> list[str]:
    kinds = document.get("type")
    values = kinds if isinstance(kinds, list) else [kinds]
    return [value for value in values if isinstance(value, str)]

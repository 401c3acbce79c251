"""Why a file or one credential in it is refused, in a word the screens turn into a sentence."""

from __future__ import annotations

from typing import Literal

RefusalReason = Literal[
    "not_json",  # not a JSON text (or not UTF-8)
    "jwt",  # a VC-JWT or enveloped credential: signed in a way we cannot check here
    "not_credential",  # JSON, but no verifiable credential in it
    "too_many",  # more credentials in one file than we take at once
    "no_proof",  # a credential without a signature
    "unsupported_proof",  # a signature kind ACA-Py 1.7 cannot verify
    "key_not_offline",  # the signer's key can only be found over the network
    "unknown_vocabulary",  # a context (or term) we do not bundle
    "tampered",  # the signature does not match the content
    "not_verified",  # ACA-Py refused it for another reason (detail says which)
    "id_too_long",  # an id too long for our credential ids
]


class ImportRefused(Exception):
    """A file or credential that will not be imported; `detail` is for experts only and
    never holds claim values (ACA-Py's own messages do: they are cut before that)."""

    def __init__(self, reason: RefusalReason, detail: str | None = None) -> None:
        super().__init__(reason if detail is None else f"{reason}: {detail}")
        self.reason: RefusalReason = reason
        self.detail = detail

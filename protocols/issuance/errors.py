"""Why an offer action could not be done; the web layer maps each to a JSON error."""

from __future__ import annotations


class OfferError(Exception):
    """Base: `status`, `code` and `hint` suit a JSON error as they are."""

    status = 400
    code = "offer_error"
    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class OfferNotFound(OfferError):
    status = 404
    code = "offer_not_found"
    hint = "list the offers with GET /api/offers"


class OfferNotPending(OfferError):
    status = 409
    code = "offer_not_pending"
    hint = "only pending offers can be accepted or declined"


class OfferUnsupported(OfferError):
    status = 422
    code = "offer_unsupported"


class OfferExchangeFailed(OfferError):
    """ACA-Py refused to go on; the offer now shows as failed with ACA-Py's reason."""

    status = 502
    code = "exchange_failed"
    hint = "the offer is now shown as failed; ask the issuer to offer the credential again"

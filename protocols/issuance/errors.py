"""Why an offer action could not be done; the web layer maps each to a JSON error."""

from __future__ import annotations


class OfferError(Exception):
    """Base: `status` and `code` suit a JSON error as they are; the message is technical."""

    status = 400
    code = "offer_error"


class OfferNotFound(OfferError):
    status = 404
    code = "offer_not_found"


class OfferNotPending(OfferError):
    status = 409
    code = "offer_not_pending"


class OfferUnsupported(OfferError):
    status = 422
    code = "offer_unsupported"


class OfferExchangeFailed(OfferError):
    """ACA-Py refused to go on; the offer now shows as failed with ACA-Py's reason."""

    status = 502
    code = "exchange_failed"

"""One id per credential (issue #17, point 7): offers, events and /api/credentials all name
a stored credential `<format>:<ACA-Py id>`, and that id opens it in /api/credentials."""

from __future__ import annotations

import pytest

from agent.admin_models import CredentialExchangeDetail
from protocols.issuance.offer_view import offer_view
from tests.unit.offer_fakes import anoncreds_record, detail, ld_record
from wallet.credentials.models import CredentialId
from wallet.credentials.source import stored_id_of


@pytest.mark.parametrize(
    ("record", "stored", "expected"),
    [
        (ld_record("x1", state="done"), "vc-1", "w3c:vc-1"),
        (anoncreds_record("x2", state="done"), "ref-2", "anoncreds:ref-2"),
    ],
)
def test_a_done_offer_names_its_credential_as_the_credential_list_does(
    record, stored: str, expected: str
) -> None:
    parsed = CredentialExchangeDetail.model_validate(detail(record, stored))
    offer = offer_view(parsed, "Open Learning Institute", None, None)
    assert offer.credential_id == expected == stored_id_of(parsed)
    parsed_id = CredentialId.parse(expected)
    assert parsed_id is not None and str(parsed_id) == expected  # the API's own parse


def test_an_indy_format_exchange_stores_into_the_anoncreds_store() -> None:
    record = anoncreds_record("x3", state="done")
    body = {"cred_ex_record": record, "indy": {"cred_ex_id": "x3", "cred_id_stored": "ref-3"}}
    parsed = CredentialExchangeDetail.model_validate(body)
    assert stored_id_of(parsed) == "anoncreds:ref-3"


def test_a_pending_offer_names_no_credential() -> None:
    parsed = CredentialExchangeDetail.model_validate(detail(ld_record("x4")))
    assert offer_view(parsed, None, None, None).credential_id is None

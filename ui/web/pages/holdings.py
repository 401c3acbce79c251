"""Credentials and Connections: what the learner holds and whom they are connected to."""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from ui.web.errors import words_of
from ui.web.pages.credential_view import CredentialViews
from ui.web.pages.local_api import listed, local_api
from ui.web.pages.render import render
from ui.web.pages.trust import trust_of
from ui.web.services import SERVICES_KEY
from wallet.credentials.importing.files import MAX_FILE_BYTES
from wallet.credentials.oca import library_for

PAGE_SIZE = 24
FORMATS = ("anoncreds", "w3c")


def _views(request: web.Request) -> CredentialViews:
    """Views in the learner's language, with the shipped and the learner's own OCA bundles."""
    services = request.config_dict.get(SERVICES_KEY)
    root = services.data_dir.root if services is not None else None
    return CredentialViews(words_of(request), library_for(root))


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


async def credentials(request: web.Request) -> web.Response:
    """Cards with search and format filter, both answered by the API's own query, and a
    form to add a credential from a file (credential-import.js)."""
    query = request.query.get("q", "").strip()[:200]
    wanted_format = request.query.get("format", "")
    wanted_format = wanted_format if wanted_format in FORMATS else ""
    page = _page_number(request.query.get("page", "1"))
    answer = await local_api(request).get(
        "/api/credentials",
        q=query,
        format=wanted_format,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    cards = listed(answer.body, "items")
    total = answer.record.get("total", len(cards))
    views = _views(request)
    return render(
        request,
        "credentials.html",
        answer=answer,
        cards=cards,
        views=[views.of(card) for card in cards],
        total=total,
        more=total > page * PAGE_SIZE,
        page=page,
        query=query,
        wanted_format=wanted_format,
        formats=FORMATS,
        import_max_bytes=MAX_FILE_BYTES,
    )


async def credential(request: web.Request) -> web.Response:
    credential_id = request.match_info["credential_id"]
    answer = await local_api(request).get_one("credentials", credential_id)
    body = answer.record
    document = body.get("raw")
    raw = json.dumps(document if document is not None else body, indent=2, ensure_ascii=False)
    return render(
        request,
        "credential.html",
        status=answer.status,
        answer=answer,
        card=body,
        view=_views(request).of(body) if answer.ok else None,
        raw=raw,
        issuer_trust=trust_of(request, body.get("issuer_did")),
    )


async def connections(request: web.Request) -> web.Response:
    """The list, and the learner's own invitation if there is one (viewing never makes one)."""
    api = local_api(request)
    listing, invitation = await asyncio.gather(
        api.get("/api/connections"), api.get("/api/invitation")
    )
    problem = invitation.problem
    return render(
        request,
        "connections.html",
        answer=listing,
        connection_list=listed(listing.body, "connections"),
        invitation=invitation,
        no_invitation=problem is not None and problem.code == "no_invitation",
    )

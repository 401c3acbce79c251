"""Stacks: every stack with its totals, one stack's parts, and adding credentials to the
learner's own collections (from a collection, or from one credential)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from aiohttp import web

from ui.web.pages.local_api import listed, local_api
from ui.web.pages.render import render

ADD_PAGE_SIZE = 50
MAX_DRAWN = 50
KINDS = ("collection", "skill", "issuer")


async def stacks(request: web.Request) -> web.Response:
    answer = await local_api(request).get("/api/stacks")
    found = listed(answer.body, "stacks")
    return render(
        request,
        "stacks.html",
        status=answer.status,
        answer=answer,
        by_kind={kind: [s for s in found if s.get("kind") == kind] for kind in KINDS},
    )


async def stack(request: web.Request) -> web.Response:
    stack_id = request.match_info["stack_id"]
    answer = await local_api(request).get_one("stacks", stack_id)
    return render(
        request,
        "stack.html",
        status=answer.status,
        answer=answer,
        stack=answer.record,
        stack_id=stack_id,
    )


async def add_to_collection(request: web.Request) -> web.Response:
    """Credentials not in the collection yet, as checkboxes, with a search."""
    stack_id = request.match_info["stack_id"]
    query = request.query.get("q", "").strip()[:200]
    api = local_api(request)
    answer, found = await asyncio.gather(
        api.get_one("stacks", stack_id),
        api.get("/api/credentials", q=query, limit=ADD_PAGE_SIZE),
    )
    record = answer.record
    if answer.ok and record.get("kind") != "collection":
        raise web.HTTPSeeOther(f"/stacks/{quote(stack_id, safe='')}")
    inside = {part.get("id") for part in listed(record, "parts")}
    return render(
        request,
        "stack_add.html",
        status=answer.status,
        answer=answer,
        stack=record,
        stack_id=stack_id,
        query=query,
        found=found,
        choices=[card for card in listed(found.body, "items") if card.get("id") not in inside],
    )


async def collect(request: web.Request) -> web.Response:
    """One credential into a collection: pick one of the learner's or start a new one."""
    credential_id = request.query.get("credential", "")[:256]
    api = local_api(request)
    chosen, every = await asyncio.gather(
        api.get("/api/stacks/selection", credential=credential_id),
        api.get("/api/stacks"),
    )
    parts = listed(chosen.record, "parts")
    credential: dict[str, Any] | None = parts[0] if parts else None
    collections = [s for s in listed(every.body, "stacks") if s.get("kind") == "collection"]
    held_in = await _collections_holding(request, collections, credential_id)
    return render(
        request,
        "stack_collect.html",
        status=200 if credential else 404,
        answer=every,
        credential=credential,
        credential_id=credential_id,
        collections=collections,
        held_in=held_in,
    )


async def _collections_holding(
    request: web.Request, collections: list[dict[str, Any]], credential_id: str
) -> set[str]:
    """Which collections already hold the credential (each read once; a learner has few)."""
    api = local_api(request)
    answers = await asyncio.gather(*(api.get_one("stacks", c["id"]) for c in collections))
    return {
        str(answer.record.get("id"))
        for answer in answers
        if any(p.get("id") == credential_id for p in listed(answer.record, "parts"))
    }


def drawn_on(prompt: Any) -> list[str]:
    """The credentials a proof request draws on as the prompt first offers it: per item the
    default choice (else the first usable one); optional items only when included."""
    ids: list[str] = []
    items = prompt.get("items") if isinstance(prompt, dict) else None
    for item in items if isinstance(items, list) else []:
        usable = [c for c in item.get("candidates", []) if c.get("usable")]
        default = item.get("default_credential_id")
        if not usable or (not item.get("required", True) and not default):
            continue
        chosen = next((c for c in usable if c.get("credential_id") == default), usable[0])
        ids.append(str(chosen.get("stored_id") or ""))
    return [i for i in dict.fromkeys(ids) if i]


async def request_stack(request: web.Request, prompt: Any) -> dict[str, Any] | None:
    """The stack a request draws on when that is two or more credentials, else None."""
    ids = drawn_on(prompt)
    if len(ids) < 2:
        return None
    answer = await local_api(request).get("/api/stacks/selection", credential=ids)
    return answer.record if len(listed(answer.record, "parts")) >= 2 else None


async def drawn(request: web.Request) -> web.Response:
    """The consent screen's stack for the credentials now chosen (a part of that page)."""
    ids = list(dict.fromkeys(request.query.getall("credential", [])))[:MAX_DRAWN]
    stack = None
    if len(ids) >= 2:
        answer = await local_api(request).get("/api/stacks/selection", credential=ids)
        stack = answer.record if len(listed(answer.record, "parts")) >= 2 else None
    return render(request, "stack_drawn.html", draws_on=stack)


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/stacks", stacks)
    router.add_get("/stacks/drawn", drawn)
    router.add_get("/stacks/collect", collect)
    router.add_get("/stacks/{stack_id}", stack)
    router.add_get("/stacks/{stack_id}/add", add_to_collection)

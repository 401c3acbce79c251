"""Stacks: credentials grouped by skill, by issuer, or into the learner's own collections.

GET    /api/stacks                                  every stack (summaries with totals)
GET    /api/stacks/selection?credential=<id>&...    the stack some credentials make (what a
       proof request draws on); unknown ids are left out
GET    /api/stacks/{id}                             one stack with its parts and totals
POST   /api/stacks/collections {"name", "credential_ids"?}    201 with the new collection
PATCH  /api/stacks/collections/{id} {"name"}        renamed
DELETE /api/stacks/collections/{id}                 gone (its credentials stay)
POST   /api/stacks/collections/{id}/parts {"credential_ids"}  credentials added
PUT    /api/stacks/collections/{id}/order {"credential_ids"}  the parts in a new order
DELETE /api/stacks/collections/{id}/parts/{credential_id}     one credential taken out
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from agent.events import AgentEvent
from protocols.wallet_services import WalletServices
from ui.web.errors import ApiError
from ui.web.json_body import json_body
from ui.web.services import services_of, wallet_part
from wallet.credentials.index import CredentialIndex
from wallet.credentials.sync import stored_credentials
from wallet.stacks.book import MAX_SELECTION, StackBook, StackNotFound
from wallet.stacks.learner_collections import (
    COLLECTIONS_CHANGED,
    MAX_COLLECTIONS,
    MAX_PARTS,
    CollectionChanged,
    CollectionFull,
    CollectionNameError,
    CollectionNotFound,
    CollectionStoreError,
    TooManyCollections,
)


class NewCollectionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(description="The learner's name for it, at most 80 characters.")
    credential_ids: list[StrictStr] = Field(default_factory=list, max_length=MAX_PARTS)


class RenameCollectionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr


class AddPartsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credential_ids: list[StrictStr] = Field(min_length=1, max_length=MAX_PARTS)


class OrderBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credential_ids: list[StrictStr] = Field(
        max_length=MAX_PARTS, description="Every part of the collection, in the new order."
    )


class DeletedCollection(BaseModel):
    deleted: str


async def list_stacks(request: web.Request) -> web.Response:
    async with _answering():
        stacks = await _book(request).overview()
    return web.json_response(text=stacks.model_dump_json())


async def get_stack(request: web.Request) -> web.Response:
    stack_id = request.match_info["stack_id"]
    async with _answering():
        try:
            stack = await _book(request).detail(stack_id)
        except (StackNotFound, CollectionNotFound):
            raise ApiError(404, "stack_not_found") from None
    return web.json_response(text=stack.model_dump_json())


async def selection(request: web.Request) -> web.Response:
    unknown = sorted(set(request.query) - {"credential"})
    ids = request.query.getall("credential", [])
    if unknown or not ids or len(ids) > MAX_SELECTION:
        detail = f"unknown: {', '.join(unknown)}" if unknown else f"1 to {MAX_SELECTION} ids"
        raise ApiError(400, "bad_parameter", detail=detail)
    async with _answering():
        stack = await _book(request).selection(ids)
    return web.json_response(text=stack.model_dump_json())


async def create_collection(request: web.Request) -> web.Response:
    body = NewCollectionBody.model_validate(await json_body(request))
    book = _book(request)
    async with _changing(request):
        await _all_held(book, body.credential_ids)
        collection = await book.collections.create(body.name, body.credential_ids)
        stack = await book.detail(collection.id)
    return web.json_response(text=stack.model_dump_json(), status=201)


async def rename_collection(request: web.Request) -> web.Response:
    body = RenameCollectionBody.model_validate(await json_body(request))
    book = _book(request)
    async with _changing(request):
        collection = await book.collections.rename(request.match_info["stack_id"], body.name)
        stack = await book.detail(collection.id)
    return web.json_response(text=stack.model_dump_json())


async def delete_collection(request: web.Request) -> web.Response:
    collection_id = request.match_info["stack_id"]
    async with _changing(request):
        await _book(request).collections.delete(collection_id)
    return web.json_response(text=DeletedCollection(deleted=collection_id).model_dump_json())


async def add_parts(request: web.Request) -> web.Response:
    body = AddPartsBody.model_validate(await json_body(request))
    book = _book(request)
    collection_id = request.match_info["stack_id"]
    async with _changing(request):
        collection = await book.collections.get(collection_id)
        await _all_held(book, body.credential_ids)
        kept = {c.id for c in await book.held(collection.credential_ids)}
        held = kept | set(body.credential_ids)
        await book.collections.add(collection_id, body.credential_ids, held)
        stack = await book.detail(collection_id)
    return web.json_response(text=stack.model_dump_json())


async def reorder_parts(request: web.Request) -> web.Response:
    body = OrderBody.model_validate(await json_body(request))
    book = _book(request)
    collection_id = request.match_info["stack_id"]
    async with _changing(request):
        collection = await book.collections.get(collection_id)
        held = {c.id for c in await book.held(collection.credential_ids)}
        await book.collections.reorder(collection_id, body.credential_ids, held)
        stack = await book.detail(collection_id)
    return web.json_response(text=stack.model_dump_json())


async def remove_part(request: web.Request) -> web.Response:
    book = _book(request)
    collection_id = request.match_info["stack_id"]
    async with _changing(request):
        await book.collections.remove(collection_id, request.match_info["credential_id"])
        stack = await book.detail(collection_id)
    return web.json_response(text=stack.model_dump_json())


async def _all_held(book: StackBook, credential_ids: list[str]) -> None:
    """404 `credential_not_found` naming the first id the wallet does not hold."""
    held = {credential.id for credential in await book.held(credential_ids)}
    missing = [i for i in credential_ids if i not in held]
    if missing:
        raise ApiError(404, "credential_not_found", detail=missing[0][:200])


# One book per running wallet's index: the book keeps what it learned of each credential.
_BOOKS: WeakKeyDictionary[CredentialIndex, StackBook] = WeakKeyDictionary()


def stack_book(services: WalletServices) -> StackBook:
    if services.store is None:
        raise RuntimeError("stacks need the controller store")
    index = stored_credentials(services).index
    book = _BOOKS.get(index)
    if book is None:
        book = _BOOKS[index] = StackBook(index, services.store.store)
    return book


def _book(request: web.Request) -> StackBook:
    return wallet_part(request, stack_book)


@asynccontextmanager
async def _changing(request: web.Request) -> AsyncIterator[None]:
    """A change to the learner's collections: on success the automatic backup is told."""
    async with _answering():
        yield
    change = AgentEvent(topic=COLLECTIONS_CHANGED, source="wallet")
    services_of(request).bus.publish(change)


@asynccontextmanager
async def _answering() -> AsyncIterator[None]:
    """The collection's problems as errors the learner can act on."""
    try:
        yield
    except CollectionNotFound as error:
        if error.reason == "part":
            raise ApiError(404, "stack_part_not_found") from None
        raise ApiError(404, "collection_not_found") from None
    except CollectionNameError as error:
        raise ApiError(
            422, "collection_name_invalid", reason=error.reason, detail=str(error)
        ) from None
    except CollectionChanged as error:
        raise ApiError(409, "collection_changed", detail=str(error)) from None
    except CollectionFull as error:
        raise ApiError(422, "collection_full", params={"n": MAX_PARTS}, detail=str(error)) from None
    except TooManyCollections as error:
        raise ApiError(
            409, "too_many_collections", params={"n": MAX_COLLECTIONS}, detail=str(error)
        ) from None
    except CollectionStoreError as error:
        raise ApiError(503, "stacks_unavailable", detail=str(error)) from None


def register(router: web.UrlDispatcher) -> None:
    router.add_get("/api/stacks", list_stacks)
    router.add_get("/api/stacks/selection", selection)
    router.add_get("/api/stacks/{stack_id}", get_stack)
    router.add_post("/api/stacks/collections", create_collection)
    router.add_patch("/api/stacks/collections/{stack_id}", rename_collection)
    router.add_delete("/api/stacks/collections/{stack_id}", delete_collection)
    router.add_post("/api/stacks/collections/{stack_id}/parts", add_parts)
    router.add_put("/api/stacks/collections/{stack_id}/order", reorder_parts)
    router.add_delete("/api/stacks/collections/{stack_id}/parts/{credential_id}", remove_part)

"""Renaming and deleting a connection.

PATCH  /api/connections/{id} {"name": "<the learner's name>" | null}: the connection as
       shown; null gives it back the peer's own label.
DELETE /api/connections/{id}: ACA-Py forgets the connection, the wallet its messages and
       name. Credentials received through it stay. The screen asks first (connection.html).
"""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from agent.admin_client import AdminApiError
from protocols.connections.names import (
    ConnectionNameError,
    ConnectionNames,
    StoreUnavailable,
    connection_names,
)
from protocols.connections.removal import ConnectionNotFound, remove_connection
from protocols.connections.views import connection_view
from protocols.messages.book import MessageStoreError
from protocols.peers import connection_cache
from ui.web.errors import ApiError
from ui.web.json_body import json_body
from ui.web.messages_api import known_connection
from ui.web.services import services_of, wallet_part


class RenameBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr | None = Field(
        description="Your own name for the connection (at most 100 characters); null to "
        "show the name the connection gives itself."
    )


class DeletedConnection(BaseModel):
    deleted: str
    messages_removed: int


async def rename_connection(request: web.Request) -> web.Response:
    body = RenameBody.model_validate(await json_body(request))
    connection_id = request.match_info["id"]
    record = await known_connection(request, connection_id)
    services = services_of(request)
    names = _names(request)
    try:
        if body.name is None:
            await names.forget(connection_id)
            name = None
        else:
            name = await names.rename(connection_id, body.name)
    except ConnectionNameError as error:
        raise ApiError(
            422, "connection_name_invalid", reason=error.reason, detail=str(error)
        ) from None
    except StoreUnavailable as error:
        raise ApiError(503, "messages_unavailable", detail=str(error)) from None
    connection_cache(services).set_name(connection_id, name)
    return web.json_response(text=connection_view(record, name).model_dump_json())


async def delete_connection(request: web.Request) -> web.Response:
    connection_id = request.match_info["id"]
    try:
        removed = await remove_connection(services_of(request), connection_id)
    except ConnectionNotFound:
        raise ApiError(404, "connection_not_found") from None
    except AdminApiError as error:
        raise ApiError(503, "agent_unavailable", detail=str(error)) from None
    except (MessageStoreError, StoreUnavailable) as error:
        raise ApiError(503, "messages_unavailable", detail=str(error)) from None
    answer = DeletedConnection(deleted=connection_id, messages_removed=removed)
    return web.json_response(text=answer.model_dump_json())


def register(router: web.UrlDispatcher) -> None:
    router.add_patch("/api/connections/{id}", rename_connection)
    router.add_delete("/api/connections/{id}", delete_connection)


def _names(request: web.Request) -> ConnectionNames:
    return wallet_part(request, connection_names)

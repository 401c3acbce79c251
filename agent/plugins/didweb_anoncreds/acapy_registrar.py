"""ACA-Py's registrar interface: publish objects as files the issuer's web host serves.

Registration is immediate (state `finished`): there is no ledger to wait for, the object
exists once its file is written. Status lists are published per timestamp under
`/revStatus/<rev reg rid>/<timestamp>`, the endpoint the rev reg def's metadata names.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from re import Pattern
from typing import Any

from acapy_agent.anoncreds.base import AnonCredsRegistrationError, BaseAnonCredsRegistrar
from acapy_agent.anoncreds.events import RevListFinishedEvent
from acapy_agent.anoncreds.models.credential_definition import (
    CredDef,
    CredDefResult,
    CredDefState,
)
from acapy_agent.anoncreds.models.revocation import (
    RevList,
    RevListResult,
    RevListState,
    RevRegDef,
    RevRegDefResult,
    RevRegDefState,
)
from acapy_agent.anoncreds.models.schema import (
    AnonCredsSchema,
    GetSchemaResult,
    SchemaResult,
    SchemaState,
)
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.event_bus import EventBus
from acapy_agent.core.profile import Profile

from .errors import DidWebObjectNotFound
from .identifiers import (
    ANONCREDS_SERVICE,
    CRED_DEF,
    REV_REG_DEF,
    REV_STATUS,
    SCHEMA,
    SUPPORTED_IDENTIFIERS,
    InvalidIdentifierError,
    object_id,
    parse_object_id,
    require_did_web,
    resource_id,
)
from .publisher import Publisher, PublishError
from .resolver import STATUS_LIST_ENDPOINT_KEYS, DidWebObjectResolver

LOGGER = logging.getLogger(__name__)
_FUTURE = 10 * 365 * 24 * 3600  # "as of" this far ahead returns the newest list published.
_MAX_WAIT = 2.0


class DidWebAnonCredsRegistrar(BaseAnonCredsRegistrar):
    """Registers AnonCreds objects for did:web issuers through a Publisher."""

    def __init__(self, objects: DidWebObjectResolver, publisher: Publisher | None) -> None:
        self._objects = objects
        self._publisher = publisher
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @property
    def supported_identifiers_regex(self) -> Pattern:
        """did:web issuer DIDs (registration is keyed by issuerId)."""
        return SUPPORTED_IDENTIFIERS

    async def setup(self, context: InjectionContext) -> None:
        """Nothing to set up: settings arrive through the constructor."""

    async def register_schema(
        self, profile: Profile, schema: AnonCredsSchema, options: dict | None = None
    ) -> SchemaResult:
        """Publish the schema at /schema/<rid>."""
        schema_id = await self._publish_object(SCHEMA, schema.serialize())
        return SchemaResult(
            job_id=None,
            schema_state=SchemaState(SchemaState.STATE_FINISHED, schema_id, schema),
        )

    async def register_credential_definition(
        self,
        profile: Profile,
        schema: GetSchemaResult,
        credential_definition: CredDef,
        options: dict | None = None,
    ) -> CredDefResult:
        """Publish the public part of the cred def at /credDef/<rid>."""
        cred_def_id = await self._publish_object(CRED_DEF, credential_definition.serialize())
        return CredDefResult(
            job_id=None,
            credential_definition_state=CredDefState(
                CredDefState.STATE_FINISHED, cred_def_id, credential_definition
            ),
            registration_metadata={},
            credential_definition_metadata={},
        )

    async def register_revocation_registry_definition(
        self,
        profile: Profile,
        revocation_registry_definition: RevRegDef,
        options: dict | None = None,
    ) -> RevRegDefResult:
        """Publish the rev reg def with the status list endpoint in its metadata."""
        resource = revocation_registry_definition.serialize()
        did = _issuer(resource)
        rid = resource_id(resource)
        try:
            endpoint = await self._objects.service_endpoint(did, ANONCREDS_SERVICE)
        except Exception as error:
            raise AnonCredsRegistrationError(
                f"cannot register a revocation registry for {did}: its DID document must be "
                f"published with an #anoncreds service first ({error})"
            ) from error
        status_endpoint = f"{endpoint.rstrip('/')}/{REV_STATUS}/{rid}"
        metadata = dict.fromkeys(STATUS_LIST_ENDPOINT_KEYS, status_endpoint)
        rev_reg_def_id = await self._publish_object(REV_REG_DEF, resource, metadata)
        return RevRegDefResult(
            job_id=None,
            revocation_registry_definition_state=RevRegDefState(
                RevRegDefState.STATE_FINISHED, rev_reg_def_id, revocation_registry_definition
            ),
            registration_metadata={},
            revocation_registry_definition_metadata=metadata,
        )

    async def register_revocation_list(
        self,
        profile: Profile,
        rev_reg_def: RevRegDef,
        rev_list: RevList,
        options: dict | None = None,
    ) -> RevListResult:
        """Publish the first status list of a registry, stamped with the current time."""
        return await self._publish_status_list(rev_list)

    async def update_revocation_list(
        self,
        profile: Profile,
        rev_reg_def: RevRegDef,
        prev_list: RevList,
        curr_list: RevList,
        revoked: Sequence[int],
        options: dict | None = None,
    ) -> RevListResult:
        """Publish a new status list version and tell ACA-Py the revocation is public."""
        result = await self._publish_status_list(curr_list)
        await profile.inject(EventBus).notify(
            profile, RevListFinishedEvent.with_payload(curr_list.rev_reg_def_id, list(revoked))
        )
        return result

    async def _publish_object(
        self, kind: str, resource: dict[str, Any], metadata: dict[str, Any] | None = None
    ) -> str:
        did = _issuer(resource)
        rid = resource_id(resource)
        document = {"resource": resource, "resourceMetadata": metadata or {}}
        await self._publish(f"/{kind}/{rid}", document)
        identifier = object_id(did, kind, rid)
        LOGGER.info("Published did:web AnonCreds %s %s", kind, identifier)
        return identifier

    async def _publish_status_list(self, rev_list: RevList) -> RevListResult:
        try:
            rid = parse_object_id(rev_list.rev_reg_def_id).rid
        except InvalidIdentifierError as error:
            raise AnonCredsRegistrationError(str(error)) from error
        async with self._locks[rev_list.rev_reg_def_id]:
            previous = await self._latest_timestamp(rev_list.rev_reg_def_id)
            stamp = await _next_timestamp(rev_list.timestamp, previous)
            stamped = RevList.deserialize({**rev_list.serialize(), "timestamp": stamp})
            metadata = {
                "previousVersionId": "" if previous is None else str(previous),
                "nextVersionId": "",
            }
            resource = stamped.serialize()
            _issuer(resource)
            await self._publish(
                f"/{REV_STATUS}/{rid}/{stamp}", {"resource": resource, "resourceMetadata": metadata}
            )
        LOGGER.info("Published status list of %s at %d", rev_list.rev_reg_def_id, stamp)
        return RevListResult(
            job_id=None,
            revocation_list_state=RevListState(RevListState.STATE_FINISHED, stamped),
            registration_metadata={},
            revocation_list_metadata=metadata,
        )

    async def _latest_timestamp(self, rev_reg_def_id: str) -> int | None:
        try:
            latest = await self._objects.status_list(rev_reg_def_id, int(time.time()) + _FUTURE)
        except DidWebObjectNotFound:
            return None
        return int(latest.resource["timestamp"])

    async def _publish(self, relative_ref: str, document: dict[str, Any]) -> None:
        if self._publisher is None:
            raise AnonCredsRegistrationError(
                "did:web registration needs a publish directory: set "
                "--plugin-config-value didweb_anoncreds.publish_dir=<dir served at the "
                "#anoncreds endpoint> or LEARNER_WALLET_DIDWEB_PUBLISH_DIR"
            )
        try:
            await self._publisher.publish(relative_ref, document)
        except (PublishError, OSError) as error:
            message = f"could not publish {relative_ref}: {error}"
            raise AnonCredsRegistrationError(message) from error


def _issuer(resource: dict[str, Any]) -> str:
    try:
        return require_did_web(str(resource.get("issuerId", "")))
    except InvalidIdentifierError as error:
        raise AnonCredsRegistrationError(str(error)) from error


async def _next_timestamp(proposed: int | None, previous: int | None) -> int:
    """Now (or ACA-Py's stamp if later), strictly after the previous version.

    Two versions in one second would share a URL; waiting for the next second keeps
    every published timestamp at or before the time it became visible.
    """
    stamp = max(int(proposed or 0), int(time.time()))
    if previous is not None and stamp <= previous:
        await asyncio.sleep(min(_MAX_WAIT, previous + 1 - time.time()))
        stamp = previous + 1
    return stamp

"""ACA-Py's resolver interface over DidWebObjectResolver: verified objects as ACA-Py models."""

from __future__ import annotations

import time
from re import Pattern
from typing import Any

from acapy_agent.anoncreds.base import BaseAnonCredsResolver
from acapy_agent.anoncreds.models.credential_definition import CredDef, GetCredDefResult
from acapy_agent.anoncreds.models.revocation import (
    GetRevListResult,
    GetRevRegDefResult,
    RevList,
    RevRegDef,
)
from acapy_agent.anoncreds.models.schema import AnonCredsSchema, GetSchemaResult
from acapy_agent.anoncreds.models.schema_info import AnonCredsSchemaInfo
from acapy_agent.config.injection_context import InjectionContext
from acapy_agent.core.profile import Profile
from acapy_agent.messaging.models.base import BaseModel, BaseModelError

from .errors import MalformedResponseError
from .identifiers import SUPPORTED_IDENTIFIERS
from .resolver import DidWebObjectResolver


class DidWebAnonCredsResolver(BaseAnonCredsResolver):
    """Resolves schemas, cred defs, rev reg defs and status lists published under did:web."""

    def __init__(self, objects: DidWebObjectResolver) -> None:
        self._objects = objects

    @property
    def supported_identifiers_regex(self) -> Pattern:
        """did:web DIDs and their `?service=…&relativeRef=…` object ids."""
        return SUPPORTED_IDENTIFIERS

    async def setup(self, context: InjectionContext) -> None:
        """Nothing to set up: settings arrive through the constructor."""

    async def get_schema(self, profile: Profile, schema_id: str) -> GetSchemaResult:
        """A schema, verified against its id."""
        found = await self._objects.resolve(schema_id)
        return GetSchemaResult(
            schema=_load(AnonCredsSchema, found.resource, "schema", schema_id),
            schema_id=schema_id,
            resolution_metadata={},
            schema_metadata=found.metadata,
        )

    async def get_credential_definition(
        self, profile: Profile, credential_definition_id: str
    ) -> GetCredDefResult:
        """A credential definition, verified against its id."""
        found = await self._objects.resolve(credential_definition_id)
        return GetCredDefResult(
            credential_definition_id=credential_definition_id,
            credential_definition=_load(
                CredDef, found.resource, "credential definition", credential_definition_id
            ),
            resolution_metadata={},
            credential_definition_metadata=found.metadata,
        )

    async def get_revocation_registry_definition(
        self, profile: Profile, revocation_registry_id: str
    ) -> GetRevRegDefResult:
        """A revocation registry definition, verified against its id."""
        found = await self._objects.resolve(revocation_registry_id)
        return GetRevRegDefResult(
            revocation_registry=_load(
                RevRegDef, found.resource, "revocation registry definition", revocation_registry_id
            ),
            revocation_registry_id=revocation_registry_id,
            resolution_metadata={},
            revocation_registry_metadata=found.metadata,
        )

    async def get_revocation_list(
        self,
        profile: Profile,
        revocation_registry_id: str,
        timestamp_from: int | None = 0,
        timestamp_to: int | None = None,
    ) -> GetRevListResult:
        """The status list in force at timestamp_to (now when absent)."""
        at = int(time.time()) if timestamp_to is None else int(timestamp_to)
        found = await self._objects.status_list(revocation_registry_id, at)
        return GetRevListResult(
            revocation_list=_load(RevList, found.resource, "status list", found.object_id),
            resolution_metadata={},
            revocation_registry_metadata=found.metadata,
        )

    async def get_schema_info_by_id(self, profile: Profile, schema_id: str) -> AnonCredsSchemaInfo:
        """Issuer, name and version, read from the resolved schema (the id does not hold them)."""
        schema = (await self.get_schema(profile, schema_id)).schema
        return AnonCredsSchemaInfo(
            issuer_id=schema.issuer_id, name=schema.name, version=schema.version
        )


def _load[M: BaseModel](model: type[M], resource: dict[str, Any], what: str, where: str) -> M:
    try:
        return model.deserialize(resource)
    except BaseModelError as error:
        raise MalformedResponseError(f"{where} is not a valid AnonCreds {what}: {error}") from error

"""The controller's side of the prompt-inputs plugin: one call instead of two when a
request arrives (see agent/plugins/prompt_inputs). Falls back to the plain routes for good
once ACA-Py says the route does not exist, and for one request when the route fails."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, Field

from agent.admin_client import AdminApiError, AdminClient
from agent.admin_models import PresentationExchangeRecord
from protocols.consent.wording import Words
from protocols.presentation.candidates import Part

LOGGER = logging.getLogger(__name__)


class PromptInputs(BaseModel):
    """The plugin's answer. `record` None: no such exchange. `searched`: the parts whose
    candidates are in `candidates` (the rest is the index's, or the controller's to ask)."""

    record: PresentationExchangeRecord | None = None
    refused: Words | None = None
    candidates: list[dict[str, Any]] = Field(default_factory=list)
    searched: list[Part] = Field(default_factory=list)
    dif_truncated: bool = False


class PromptInputsReader:
    """Reads prompt inputs while the route exists; one wallet, one reader."""

    def __init__(self, client: AdminClient) -> None:
        self._client = client
        self.available = True

    async def read(
        self, exchange_id: str, *, w3c_held: int, index: list[Part]
    ) -> PromptInputs | None:
        """The inputs, or None when the plugin is not loaded (then ask the plain routes)."""
        if not self.available:
            return None
        try:
            body = await self._client.prompt_inputs(
                exchange_id, w3c_held=w3c_held, index=list(index)
            )
        except AdminApiError as error:
            if error.status == 404:
                LOGGER.warning("ACA-Py has no prompt-inputs route: two reads per request now")
                self.available = False
                return None
            if error.status is not None and error.status >= 500:
                # A fault in the plugin must not cost the learner the request: read it the
                # plain way this time.
                LOGGER.error("the prompt-inputs route failed; reading %s twice", exchange_id)
                return None
            raise
        return PromptInputs.model_validate(body)

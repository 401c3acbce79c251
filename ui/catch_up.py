"""Work a start does after the wallet says ready, and who must wait for it.

The first page should not wait for ACA-Py's pending exchanges to be read again (issue #20),
but a route whose answer depends on them must not answer before they are: it waits for
the job by name. `GET /api/status` lists the jobs still running, and Home says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, Literal

from aiohttp import web

LOGGER = logging.getLogger(__name__)
# exchanges: offers and proof requests that arrived or moved while the wallet was stopped.
Job = Literal["exchanges"]


class CatchUp:
    """Named background jobs of one start; each is waited for whatever its outcome."""

    def __init__(self) -> None:
        self._jobs: dict[Job, asyncio.Task[None]] = {}

    def start(self, job: Job, work: Coroutine[Any, Any, object]) -> None:
        self._jobs[job] = asyncio.create_task(self._logged(job, work), name=f"catch up {job}")

    def pending(self) -> list[Job]:
        """The jobs still running, for `/api/status`."""
        return [job for job, task in self._jobs.items() if not task.done()]

    async def wait(self, job: Job) -> None:
        """Return once `job` has ended (at once if it never started); never raises its error."""
        task = self._jobs.get(job)
        if task is not None and not task.done():
            await asyncio.shield(task)

    async def cancel(self) -> None:
        for task in self._jobs.values():
            task.cancel()
        await asyncio.gather(*self._jobs.values(), return_exceptions=True)

    @staticmethod
    async def _logged(job: Job, work: Coroutine[Any, Any, object]) -> None:
        """A failed job is logged and counts as ended: routes then answer as they can."""
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception as error:
            LOGGER.warning("catching up %s failed: %s: %s", job, type(error).__name__, error)


CATCH_UP_KEY = web.AppKey("catch_up", CatchUp)


def catch_up_of(request: web.Request) -> CatchUp:
    """The app's CatchUp; an app made without one (unit tests) has nothing to catch up."""
    return request.app.get(CATCH_UP_KEY) or CatchUp()

"""What the welcome knows while it runs, and what it hands to `start` when it is done."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

from config.data_dir import DataDir


@dataclass(frozen=True)
class WipeNotice:
    """How Delete everything went, shown at the top of the welcome that follows it."""

    done: bool
    problem: str | None = None  # catalogue key under `wipe.problem.` when not done
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class WelcomeOutcome:
    """A wallet now exists; a passphrase the learner typed is kept only to open it once."""

    made: Literal["new", "restored"]
    passphrase: str | None = field(default=None, repr=False)


@dataclass
class WelcomeState:
    data_dir: DataDir
    notice: WipeNotice | None = None
    busy: asyncio.Lock = field(default_factory=asyncio.Lock)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    outcome: WelcomeOutcome | None = None

    @property
    def blocked(self) -> bool:
        """A wipe left something behind: nothing new may be made here until it is finished."""
        return self.notice is not None and not self.notice.done

    def finish(self, outcome: WelcomeOutcome) -> None:
        self.outcome = outcome
        self.finished.set()


WELCOME_KEY = web.AppKey("welcome", WelcomeState)

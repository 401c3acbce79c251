"""`learner-wallet demo --auto`: the learner's part played through the wallet's JSON API.

It does what a person does in the UI, through the same endpoints: paste each invitation,
accept every offer, approve each proof request with the prompt's defaults (empty body).
"""

from __future__ import annotations

import time
from typing import Any

import aiohttp

from demo.peer_agent import poll_until
from demo.story import OFFER_TITLES, DemoStory
from demo.story_requests import ProofResult

DEADLINE = 60.0
EMPLOYER_DEADLINE = 180.0


class WalletApiError(Exception):
    """The wallet's JSON API refused a call; carries its error message."""


class WalletApi:
    """The learner's JSON API with the bearer token from the data dir's `ui-token`."""

    def __init__(self, ui_url: str, token: str) -> None:
        self.base = ui_url.rstrip("/")
        self.session = aiohttp.ClientSession(
            headers={"Authorization": f"Bearer {token}"},
            timeout=aiohttp.ClientTimeout(total=DEADLINE),
        )

    async def close(self) -> None:
        await self.session.close()

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        async with self.session.request(method, self.base + path, json=body) as response:
            answer = await response.json(content_type=None)
            if response.status >= 300:
                error = (answer or {}).get("error", {})
                raise WalletApiError(f"{method} {path}: {response.status} {error.get('message')}")
            return answer


async def play(story: DemoStory, api: WalletApi, say: Any = print) -> list[ProofResult]:
    """The whole story without a person; the employer's two results."""
    started = time.monotonic()
    say("1. Connecting to Open Learning Institute …")
    await api.call("POST", "/api/connections", {"invitation": await story.institute_invitation()})
    say("2. Receiving credentials …")
    await story.send_offers()
    for title in await accept_offers(api, len(OFFER_TITLES)):
        say(f"   stored: {title}")
    say("3. Connecting to Employer and answering its proof requests …")
    await api.call("POST", "/api/connections", {"invitation": await story.employer_invitation()})
    answered: set[str] = set()
    for _ in range(2):
        request = await approve_next_request(api, answered)
        say(f"   approved with the prompt's defaults: {request['request_name']}")
        await poll_until(
            "the employer's verdict",
            lambda: _verdicts(story, len(answered)),
            EMPLOYER_DEADLINE,
        )
    results = await story.wait_finished(EMPLOYER_DEADLINE)
    say(f"Done in {time.monotonic() - started:.1f} s.")
    return results


async def accept_offers(api: WalletApi, count: int) -> list[str]:
    """Accept offers as they arrive until `count` credentials are stored; their titles."""
    accepted: dict[str, str] = {}

    async def all_stored() -> list[str] | None:
        listed = (await api.call("GET", "/api/offers"))["offers"]
        for offer in listed:
            if offer["id"] not in accepted and offer["state"] == "pending":
                await api.call("POST", f"/api/offers/{offer['id']}/accept")
                accepted[offer["id"]] = _offer_name(offer)
            if offer["id"] in accepted and offer["state"] in ("failed", "declined"):
                raise WalletApiError(f"offer {accepted[offer['id']]} ended {offer['state']}")
        done = [o for o in listed if o["id"] in accepted and o["state"] == "done"]
        return [accepted[o["id"]] for o in done] if len(done) >= count else None

    return await poll_until(f"{count} credentials stored in the wallet", all_stored, DEADLINE)


def _offer_name(offer: dict[str, Any]) -> str:
    """E.g. "Course result (anoncreds)" or "Data Literacy Foundations (BbsBlsSignature2020)"."""
    how = offer.get("proof_type") or offer.get("format") or "?"
    return f"{offer.get('title') or offer['id']} ({how})"


async def approve_next_request(api: WalletApi, answered: set[str]) -> dict[str, Any]:
    """Wait for a new answerable request and approve it with an empty body (the defaults)."""

    async def waiting() -> dict[str, Any] | None:
        listed = (await api.call("GET", "/api/requests"))["requests"]
        return next(
            (r for r in listed if r["exchange_id"] not in answered and r["status"] == "waiting"),
            None,
        )

    request = await poll_until("the employer's proof request in the wallet", waiting, DEADLINE)
    if not request["answerable"]:
        raise WalletApiError(
            f"the wallet cannot answer {request['request_name']}: {request.get('refused')}"
        )
    await api.call("POST", f"/api/requests/{request['exchange_id']}/approve")
    answered.add(request["exchange_id"])
    return request


async def _verdicts(story: DemoStory, count: int) -> bool:
    finished = [r for r in story.results if r.finished]
    if story.problem:
        raise WalletApiError(f"the employer's part failed: {story.problem}")
    return len(finished) >= count


def summary(results: list[ProofResult]) -> list[str]:
    """What the employer got and what stayed hidden, field names only (no values)."""
    lines = []
    for number, result in enumerate(results, 1):
        verdict = "verified" if result.verified else "NOT verified"
        lines.append(f"Request {number} ({result.kind}: {result.name}): {verdict}")
        lines.append(f"  shared: {', '.join(result.received) or 'nothing'}")
        if result.proved:
            lines.append(f"  proved without the value: {', '.join(result.proved)}")
        lines.append(f"  hidden: {', '.join(result.hidden) or 'nothing'}")
    return lines

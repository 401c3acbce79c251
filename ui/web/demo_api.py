"""The guided demo panel's JSON API, registered only when `learner-wallet demo` runs.

GET /api/demo: where the story stands and what the employer received.
POST /api/demo/step/{n}: move the story on (1 the institute's invitation, 2 its offers,
3 the employer's invitation and requests). The learner's own answers go through the normal
connections, offers and requests APIs; these routes only drive the demo's peers. Like every
state-changing route they need the token or a session with CSRF token and Origin.
"""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel

from agent.admin_client import AdminApiError
from demo.story import DemoStepError, DemoStory
from ui.web.errors import ApiError
from ui.web.pages.render import DEMO_MODE_KEY
from ui.web.services import services_of


class StepAnswer(BaseModel):
    """What the panel does next: accept `invitation` in the wallet, or just look."""

    step: int
    invitation: str | None = None
    offers: list[str] = []


def setup(app: web.Application) -> None:
    app[DEMO_MODE_KEY] = True
    app.router.add_get("/api/demo", get_state)
    app.router.add_post("/api/demo/step/{step}", run_step)


async def get_state(request: web.Request) -> web.Response:
    story = _story(request)
    try:
        state = await story.state()
    except AdminApiError as error:
        raise _peer_error(error) from None
    return web.json_response(text=state.model_dump_json())


async def run_step(request: web.Request) -> web.Response:
    story = _story(request)
    step = request.match_info["step"]
    try:
        if step == "1":
            answer = StepAnswer(step=1, invitation=await story.institute_invitation())
        elif step == "2":
            answer = StepAnswer(step=2, offers=await story.send_offers())
        elif step == "3":
            answer = StepAnswer(step=3, invitation=await story.employer_invitation())
        else:
            raise ApiError(404, "demo_step_unknown")
    except DemoStepError as error:
        raise ApiError(409, "demo_step_not_ready", detail=str(error)) from None
    except TimeoutError:
        raise ApiError(504, "demo_peer_timeout") from None
    except AdminApiError as error:
        raise _peer_error(error) from None
    return web.json_response(text=answer.model_dump_json())


def _story(request: web.Request) -> DemoStory:
    story = services_of(request).demo
    if not isinstance(story, DemoStory):
        raise ApiError(404, "not_demo")
    return story


def _peer_error(error: AdminApiError) -> ApiError:
    return ApiError(502, "demo_peer_failed", detail=str(error))

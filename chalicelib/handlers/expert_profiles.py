"""Routes an expert uses to write their own profile and presence."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.errors import NotFound
from chalicelib.web.api import ApiBlueprint, ApiRequest

api = ApiBlueprint(__name__, tag="expert profile")
RESPONSES = "chalicelib.profiles.responses"


@api.route(
    "/experts/me", "PUT", summary="Create or replace my expert profile (claims its link atomically)",
    body="chalicelib.profiles.schemas:ProfileInput", errors=(400, 401, 404, 409, 422),
    response=f"{RESPONSES}:OwnProfile",
)  # fmt: skip
def put_my_profile(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.profiles.save_profile import save_expert_profile
    from chalicelib.profiles.schemas import ProfileInput
    from chalicelib.profiles.views import private_profile

    settings = runtime.settings()
    profile = save_expert_profile(
        request.caller,
        request.body(ProfileInput),
        files=runtime.file_store(),
        media_base_url=settings.media_base_url,
        now=runtime.now(),
    )
    return private_profile(profile, settings.media_base_url)


@api.route(
    "/experts/me", "GET", summary="My expert profile, private fields included", errors=(401, 404),
    response=f"{RESPONSES}:OwnProfile",
)  # fmt: skip
def get_my_profile(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.profiles.save_profile import find_own_profile
    from chalicelib.profiles.views import private_profile

    profile = find_own_profile(request.caller.account_id)
    if profile is None:
        raise NotFound("You have no expert profile yet.", code="profile_not_found")
    return private_profile(profile, runtime.settings().media_base_url)


@api.route(
    "/experts/me/presence", "PUT",
    summary="Say online or offline (shown online only while a WebSocket device of yours is connected)",
    body="chalicelib.profiles.schemas:PresenceInput", errors=(400, 401, 404, 409),
    response=f"{RESPONSES}:ProfilePresence",
)  # fmt: skip
def put_my_presence(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.profiles.schemas import PresenceInput
    from chalicelib.realtime.presence import say_presence

    status = request.body(PresenceInput).status
    profile = say_presence(
        request.caller.account_id, status, media_base_url=runtime.settings().media_base_url, now=runtime.now()
    )
    return {"presence": profile.presence, "intent": status}

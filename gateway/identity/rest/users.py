"""REST: the tenant's team (`/v1/users`: list, invite, change, disable, password reset) and
what a person does with a link or for themselves (`/v1/auth/accept-invite`,
`/v1/auth/reset-password`, `/v1/auth/password`). Rules: gateway/identity/team_rules.py."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from gateway.auth import AUTH_PROBLEMS, Admin, CurrentPrincipal, Reader, problem_responses
from gateway.identity.rest.auth import signed_in
from gateway.identity.schemas import (
    AcceptInviteRequest,
    ChangePasswordRequest,
    Invitation,
    InviteRequest,
    LoginResponse,
    OneTimeLinkOut,
    ResetPasswordRequest,
    UpdateUserRequest,
    UserList,
    UserOut,
)
from gateway.identity.team_rules import Change
from gateway.state import State

users = APIRouter(prefix="/users", tags=["users"])
links = APIRouter(prefix="/auth", tags=["auth"])


@users.get("", responses=AUTH_PROBLEMS)
async def list_users(principal: Reader, state: State,
                     active: Annotated[bool | None, Query(
                         description="true: only who may be assigned (the assignee picker)"
                     )] = None) -> UserList:
    """Every user of the tenant, oldest first: invited, active and disabled ones."""
    found = await state.identity.team.users(principal)
    return UserList(items=[UserOut.of(u) for u in found if active is None or u.active == active])


@users.post("", status_code=201,
            responses={**AUTH_PROBLEMS, **problem_responses(409, 422)})
async def invite_user(body: InviteRequest, principal: Admin, state: State) -> Invitation:
    """Invite a person: they are listed as `invited` until they open `invite_url` and set a
    password. No e-mail is sent: hand the URL over. The owner invites admins and agents, an
    admin agents; an address already registered is a 409."""
    user, link = await state.identity.team.invite(principal, body.email, body.role, body.name)
    return Invitation(user=UserOut.of(user), invite_url=link.url, expires_at=link.expires_at)


@users.patch("/{user_id}", responses={**AUTH_PROBLEMS, **problem_responses(404, 409, 422)})
async def update_user(user_id: uuid.UUID, body: UpdateUserRequest, principal: Admin,
                      state: State) -> UserOut:
    """Change a role (the owner only), disable or enable, rename. Nobody disables or demotes
    themselves or the last owner (409). Disabling ends the user's sessions at once (on other
    gateway replicas within the auth cache TTL) and their unused links."""
    change = Change(role=body.role, active=body.active, name=body.name)
    return UserOut.of(await state.identity.team.update(principal, user_id, change))


@users.post("/{user_id}/password-reset", status_code=201,
            responses={**AUTH_PROBLEMS, **problem_responses(404, 409, 422)})
async def reset_user_password(user_id: uuid.UUID, principal: Admin,
                              state: State) -> OneTimeLinkOut:
    """A one-time URL (24 h) where the user sets a new password; for a user who has not
    accepted their invitation yet, a new invitation (7 days). Earlier links stop working."""
    return OneTimeLinkOut.of(await state.identity.team.reset_link(principal, user_id))


@links.post("/accept-invite", responses=problem_responses(422))
async def accept_invite(body: AcceptInviteRequest, response: Response,
                        state: State) -> LoginResponse:
    """Set the password of an invitation, activate the user and sign them in (the same
    cookies as `POST /v1/auth/login`)."""
    token, principal = await state.identity.team.accept_invite(body.token, body.password,
                                                               body.name)
    return signed_in(response, state.settings, token, principal)


@links.post("/reset-password", status_code=204, response_class=Response,
            responses=problem_responses(422))
async def reset_password(body: ResetPasswordRequest, state: State) -> Response:
    """Set a new password with a reset link's token; every session of the user ends (log
    in again with the new password)."""
    await state.identity.team.reset_password(body.token, body.password)
    return Response(status_code=204)


@links.post("/password", status_code=204, response_class=Response,
            responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def change_password(body: ChangePasswordRequest, principal: CurrentPrincipal,
                          state: State) -> Response:
    """Change your own password (a session only); your other sessions end, this one stays."""
    await state.identity.team.change_password(principal, body.current, body.new)
    return Response(status_code=204)


router = APIRouter()
router.include_router(users)
router.include_router(links)

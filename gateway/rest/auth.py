"""Browser sessions: log in (sets the `sb_session` cookie), log out, and who am I."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Cookie, Depends, Response
from pydantic import BaseModel, Field

from gateway.auth import AUTH_PROBLEMS, SESSION_COOKIE, CurrentPrincipal, problem_responses
from gateway.identity.principal import PrincipalKind
from gateway.state import GatewayState, get_state

router = APIRouter(prefix="/auth", tags=["auth"])

State = Annotated[GatewayState, Depends(get_state)]


class LoginRequest(BaseModel):
    email: str = Field(min_length=3, max_length=320, examples=["owner@example.com"])
    password: str = Field(min_length=1, max_length=1024)


class LoginResponse(BaseModel):
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    expires_at: datetime


class MeResponse(BaseModel):
    tenant_id: uuid.UUID
    user_id: uuid.UUID | None = Field(description="None when the caller is an API key")
    kind: PrincipalKind
    role: str | None
    scopes: list[str] = Field(description="Effective scopes: admin implies write implies read")
    expires_at: datetime | None = Field(description="When the session ends (sessions only)")


@router.post("/login", responses=problem_responses(401, 422))
async def login(body: LoginRequest, response: Response, state: State) -> LoginResponse:
    """Log in with e-mail and password; the session travels in an HttpOnly cookie."""
    token, principal = await state.identity.login(body.email, body.password)
    # A session principal always has a user and an end.
    assert principal.user_id is not None and principal.expires_at is not None
    response.set_cookie(
        SESSION_COOKIE, token, expires=principal.expires_at, path="/", httponly=True,
        samesite="lax", secure=state.settings.cookie_secure)
    return LoginResponse(tenant_id=principal.tenant_id, user_id=principal.user_id,
                         expires_at=principal.expires_at)


@router.post("/logout", status_code=204)
async def logout(state: State,
                 sb_session: Annotated[str | None, Cookie()] = None) -> Response:
    """End this browser's session (if any) and clear the cookie."""
    if sb_session:
        await state.identity.logout(sb_session)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=state.settings.cookie_secure)
    return response


@router.get("/me", responses=AUTH_PROBLEMS)
async def me(principal: CurrentPrincipal) -> MeResponse:
    """The caller as the API sees it: tenant, user, kind of credential and scopes."""
    return MeResponse(tenant_id=principal.tenant_id, user_id=principal.user_id,
                      kind=principal.kind, role=principal.role,
                      scopes=sorted(principal.scopes), expires_at=principal.expires_at)

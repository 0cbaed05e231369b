"""REST: browser sessions (log in with the `sb_session` cookie, log out, who am I) and the
tenant's API keys (list, create: the key is shown once, may expire; revoke; admin only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Cookie, Request, Response

from gateway.auth import AUTH_PROBLEMS, Admin, CurrentPrincipal, problem_responses
from gateway.config import GatewaySettings
from gateway.csrf import clear_session_cookies, csrf_token, set_session_cookies
from gateway.errors import ProblemError
from gateway.identity.principal import Principal
from gateway.identity.schemas import (
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyOut,
    CreateApiKeyRequest,
    LoginRequest,
    LoginResponse,
    MeResponse,
)
from gateway.state import State
from services.kernel.errors import Unauthenticated

sessions = APIRouter(prefix="/auth", tags=["auth"])
api_keys = APIRouter(prefix="/api-keys", tags=["api-keys"])


@sessions.post("/login", responses=problem_responses(401, 422, 429))
async def login(body: LoginRequest, request: Request, response: Response,
                state: State) -> LoginResponse:
    """Log in with e-mail and password; the session travels in an HttpOnly cookie, its CSRF
    token in the `sb_csrf` cookie (send it as `X-CSRF-Token` with every POST, PUT, PATCH and
    DELETE). Repeated failures from one address are answered 429 with Retry-After until the
    window ends (docs/accounts.md, "Sign-in throttling")."""
    throttle = state.identity.login_throttle
    address = request.client.host if request.client else "unknown"
    if (wait := await throttle.wait_s(body.email, address)) is not None:
        raise ProblemError(429, f"too many failed sign-ins from here; try again in {wait} s",
                           {"Retry-After": str(wait)}, type="/problems/login-throttled")
    try:
        token, principal = await state.identity.login(body.email, body.password)
    except Unauthenticated:
        await throttle.failed(body.email, address)
        raise
    await throttle.succeeded(body.email, address)
    return signed_in(response, state.settings, token, principal)


def signed_in(response: Response, settings: GatewaySettings, token: str,
              principal: Principal) -> LoginResponse:
    """A new session's cookies on `response`, and the answer that says who signed in."""
    # A session principal always has a user and an end.
    assert principal.user_id is not None and principal.expires_at is not None
    set_session_cookies(response, settings, token, principal.expires_at)
    return LoginResponse(tenant_id=principal.tenant_id, user_id=principal.user_id,
                         expires_at=principal.expires_at, csrf_token=csrf_token(settings, token))


@sessions.post("/logout", status_code=204)
async def logout(state: State,
                 sb_session: Annotated[str | None, Cookie()] = None) -> Response:
    """End this browser's session (if any) and clear its cookies. No CSRF token needed: all
    another site could do with it is sign the person out."""
    if sb_session:
        await state.identity.logout(sb_session)
    response = Response(status_code=204)
    clear_session_cookies(response, state.settings)
    return response


@sessions.get("/me", responses=AUTH_PROBLEMS)
async def me(principal: CurrentPrincipal, state: State,
             sb_session: Annotated[str | None, Cookie()] = None) -> MeResponse:
    """The caller as the API sees it: tenant, user, kind of credential and scopes; for a
    session also its CSRF token (a page that lost the `sb_csrf` cookie recovers it here)."""
    csrf = (csrf_token(state.settings, sb_session)
            if principal.kind == "session" and sb_session else None)
    return MeResponse(tenant_id=principal.tenant_id, user_id=principal.user_id,
                      kind=principal.kind, role=principal.role,
                      scopes=sorted(principal.scopes), expires_at=principal.expires_at,
                      csrf_token=csrf)


@api_keys.get("", responses=AUTH_PROBLEMS)
async def list_api_keys(principal: Admin, state: State) -> ApiKeyList:
    """Every key of the tenant, revoked ones included; never a secret."""
    keys = await state.identity.list_api_keys(principal)
    return ApiKeyList(items=[ApiKeyOut.of(info) for info in keys])


@api_keys.post("", status_code=201, responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def create_api_key(body: CreateApiKeyRequest, principal: Admin,
                         state: State) -> ApiKeyCreated:
    """A new key with its scopes and, if given, its expiry; an unknown scope or an expiry that
    is past, too far or without a time zone is a 422 saying what is valid."""
    plaintext, info = await state.identity.create_api_key(principal, body.name, body.scopes,
                                                          body.expires_at)
    return ApiKeyCreated(id=info.id, name=info.name, prefix=info.prefix,
                         scopes=list(info.scopes), key=plaintext, created_at=info.created_at,
                         expires_at=info.expires_at)


@api_keys.delete("/{api_key_id}", status_code=204, response_class=Response,
                 responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def revoke_api_key(api_key_id: uuid.UUID, principal: Admin, state: State) -> Response:
    """Revoke a key: refused at once by this replica, by the others within the auth cache TTL."""
    await state.identity.revoke_api_key(principal, api_key_id)
    return Response(status_code=204)


router = APIRouter()
router.include_router(sessions)
router.include_router(api_keys)

"""FastAPI dependencies that authenticate a request and check its scope.

Use the aliases in routes: `principal: Reader`, `Writer` or `Admin`. The tenant of everything a
route does comes from the principal, never from the request. The resource a resource-scoped API
key needs (`conversations:read`) is the route's module's (gateway/identity/resources.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel

from gateway.csrf import SESSION_COOKIE as SESSION_COOKIE  # where routes have imported it
from gateway.csrf import check_csrf
from gateway.errors import PROBLEM_JSON, ProblemError
from gateway.identity.api_keys import ApiKeyExpired
from gateway.identity.principal import Principal
from gateway.identity.resources import resource_of
from gateway.identity.scopes import SCOPES, missing
from gateway.limits.early import CREDENTIAL
from gateway.limits.policy import ApiLimits, charge_request, rest_refusal
from gateway.state import get_state

# Declared as security schemes so /docs offers both; the checks themselves are ours.
_bearer = HTTPBearer(auto_error=False, scheme_name="ApiKey",
                     description="An API key: `Authorization: Bearer sb_...`")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, scheme_name="Session",
                       description="The browser session set by `POST /v1/auth/login`; POST, "
                       "PUT, PATCH and DELETE by it also send `X-CSRF-Token`: the value of "
                       "the `sb_csrf` cookie")

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


async def current_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    session_token: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    """The caller, from an API key (Authorization header) or else the session cookie; an
    unsafe request by the cookie must carry its CSRF token too (gateway/csrf.py)."""
    identity = get_state(request).identity
    if "authorization" in request.headers:
        # A header that is present decides: a bad one is not rescued by a cookie.
        try:
            principal = await identity.authenticate_api_key(bearer.credentials) if bearer else None
        except ApiKeyExpired as expired:
            raise ProblemError(401, expired.message, headers=_CHALLENGE,
                               type="/problems/api-key-expired") from None
        if principal is None:
            raise ProblemError(401, "invalid or revoked API key", headers=_CHALLENGE)
        return principal
    if session_token:
        principal = await identity.authenticate_session(session_token)
        if principal is None:
            raise ProblemError(401, "the session has expired or ended; log in again",
                               headers=_CHALLENGE)
        check_csrf(request, get_state(request).settings, session_token)
        return principal
    raise ProblemError(401, "authentication required: an API key (Authorization: Bearer sb_...) "
                       "or a session from POST /v1/auth/login", headers=_CHALLENGE)


async def authenticate(request: Request) -> Principal:
    """`current_principal` outside FastAPI's dependency injection (GraphQL over HTTP, re-checks
    of a long-lived stream): the same header and cookie rules, the same 401 problems."""
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    bearer = (HTTPAuthorizationCredentials(scheme=scheme, credentials=token)
              if scheme.lower() == "bearer" and token else None)
    return await current_principal(request, bearer, request.cookies.get(SESSION_COOKIE))


async def reauthenticate(request: Request) -> Principal | None:
    """The caller of a long-lived request again, from the credential it opened with; None once
    that credential is no longer valid."""
    try:
        return await authenticate(request)
    except ProblemError:
        return None


def require(scope: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the authenticated caller, who must hold `scope` (or one implying it) on
    every resource or on the route's, and whose rate limits let the request through (429
    otherwise; RateLimit-* fields either way)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    async def dependency(
            request: Request, response: Response,
            principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        resource = route_resource(request)
        if not principal.allows(scope, resource):
            raise ProblemError(403, missing(scope, resource))
        await _rate_limited(request, response, principal)
        return principal

    dependency.__name__ = f"require_{scope}"
    return dependency


def route_resource(request: Request) -> str | None:
    """The resource of the matched route: its endpoint's module's (None: no resource scope
    reaches it)."""
    route = request.scope.get("route")
    endpoint = getattr(route, "endpoint", None)
    return resource_of(getattr(endpoint, "__module__", ""))


async def _rate_limited(request: Request, response: Response, principal: Principal) -> None:
    state = get_state(request)
    if state.limiter is None:
        return
    decision = await charge_request(state.limiter, ApiLimits.of(state.settings), principal,
                                    request.scope.get(CREDENTIAL))
    if not decision.allowed:
        raise rest_refusal(decision)
    response.headers.update(decision.headers())


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
Reader = Annotated[Principal, Depends(require("read"))]
Writer = Annotated[Principal, Depends(require("write"))]
Admin = Annotated[Principal, Depends(require("admin"))]


class Problem(BaseModel):
    """An application/problem+json body (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str


_PROBLEM_SCHEMA = Problem.model_json_schema()


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries documenting problem+json errors of a route."""
    return {status: {"description": HTTPStatus(status).phrase,
                     "content": {PROBLEM_JSON: {"schema": _PROBLEM_SCHEMA}}}
            for status in statuses}


# What every authenticated route can answer besides its own errors.
AUTH_PROBLEMS = problem_responses(401, 403)

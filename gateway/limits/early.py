"""`EarlyRefusal`: a caller the rate limiter has just refused is refused again at the ASGI edge,
ahead of FastAPI: no routing, authentication, body reading or GraphQL parsing, so a flood of
refused requests costs the event loop (shared with every other tenant) next to nothing.

The memory is the limiter's (refusals.py, fed by policy.py with the limiter's own decisions):
until a refusal's Retry-After has passed, the same credential at the same door gets the same
429 as the real path would give — REST problem+json `/problems/rate-limited`, GraphQL
`RATE_LIMITED` (without `cost`: the document is not read) — with Retry-After and the RateLimit
fields brought up to now, counted in `switchboard_gateway_rate_limited_total{kind}` as well.
A credential is what authentication reads (a present Authorization header decides, else the
session cookie), kept as a digest: a key presented with another secret is not refused here (it
gets its 401 from the real path). Only requests the limiter charges are refused here: REST under
/v1/ (without the routes that authenticate but are not charged) and GraphQL's POST /graphql."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import GatewaySettings
from gateway.csrf import SESSION_COOKIE
from gateway.errors import problem
from gateway.limits.lease import Decision
from gateway.limits.limiter import REFUSED, RateLimiter
from gateway.limits.policy import budget_spent, rest_refusal
from gateway.limits.refusals import Door

CREDENTIAL = "switchboard.credential"  # the scope key policy.py remembers refusals by
KINDS: dict[Door, str] = {"rest": "requests", "graphql": "graphql_cost"}
# Routes under /v1/ that no rate limit charges (they authenticate without `require`, or not at
# all): never refused here. tests/gateway/test_early_refusal_unit.py holds this to the routes.
# (method, None: any; path prefix)
UNCHARGED: tuple[tuple[str | None, str], ...] = (
    (None, "/v1/auth/"), (None, "/v1/channels/avito/oauth/"),
    ("POST", "/v1/telegram/link-codes"), ("DELETE", "/v1/telegram/links/"))
ROUTE = "refused early"  # the HTTP metrics' route label of these answers


def door_of(method: str, path: str) -> Door | None:
    """Which limiter door a request goes through, from its method and path alone (no routing:
    a path under /v1/ that no route serves is still "rest", and its caller a refused one)."""
    if path == "/graphql":
        return "graphql" if method == "POST" else None  # GET: the IDE page, or rare queries
    if not path.startswith("/v1/"):
        return None
    free = any(method == (only or method) and path.startswith(prefix)
               for only, prefix in UNCHARGED)
    return None if free else "rest"


def credential_of(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """A digest of what the request authenticates with (the secret itself is not kept)."""
    authorization, cookies = None, []
    for name, value in headers:
        if name == b"authorization" and authorization is None:  # the first, as auth reads it
            authorization = value
        elif name == b"cookie":
            cookies.append(value)
    if authorization is not None:
        return "h" + hashlib.sha256(authorization).hexdigest()
    token = None
    for cookie in cookies:  # merged, the last one winning, like the request's cookies
        token = cookie_parser(cookie.decode("latin-1")).get(SESSION_COOKIE, token)
    return "c" + hashlib.sha256(token.encode()).hexdigest() if token else None


class EarlyRefusal:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        door = door_of(scope["method"], scope["path"]) if scope["type"] == "http" else None
        # No state before the lifespan has run; no limiter with the limits turned off.
        state = getattr(scope["app"].state, "gateway", None) if door is not None else None
        limiter: RateLimiter | None = getattr(state, "limiter", None)
        if door is None or state is None or limiter is None:
            await self.app(scope, receive, send)
            return
        credential = scope[CREDENTIAL] = credential_of(scope["headers"])
        refused = (limiter.refusals.refused(credential, door, limiter.clock())
                   if credential is not None else None)
        if refused is None:
            await self.app(scope, receive, send)
            return
        REFUSED.labels(KINDS[door]).inc()
        scope["route_template"] = ROUTE
        await _answer(door, refused, state.settings)(scope, receive, send)


def _answer(door: Door, decision: Decision, settings: GatewaySettings) -> JSONResponse:
    if door == "rest":
        refusal = rest_refusal(decision)
        return problem(refusal.status, refusal.detail, headers=refusal.headers, type=refusal.type)
    error = budget_spent(decision, settings.graphql_cost_per_s, None)
    return JSONResponse({"data": None, "errors": [error.formatted]}, status_code=429,
                        headers=decision.headers())

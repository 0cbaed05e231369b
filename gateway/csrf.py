"""CSRF protection for browser sessions (the double-submit of a token bound to the session).

The session cookie (`sb_session`, HttpOnly) goes with every request the browser makes to us,
including the ones another site's page makes it send. So an unsafe request (POST, PUT, PATCH,
DELETE) authenticated by that cookie must also carry `X-CSRF-Token`, equal to the `sb_csrf`
cookie set beside it at login: a page of ours reads that cookie and sends it; another site can
neither read it nor set the header on a cross-site request. The token is an HMAC of the session
token under `SWITCHBOARD_SECRET_KEY`, so every replica derives it without storing anything,
and it dies with its session. Requests with an `Authorization` header (API keys) are not
affected: a browser never adds that header by itself. WebSockets carry no header of ours:
their Origin is checked instead (gateway/graphql/router.py).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import urlsplit

from fastapi import Request, Response

from gateway.config import GatewaySettings
from gateway.errors import ProblemError

SESSION_COOKIE = "sb_session"
CSRF_COOKIE = "sb_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_PROBLEM_TYPE = "/problems/csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_PURPOSE = b"switchboard csrf v1\0"


def csrf_token(settings: GatewaySettings, session_token: str) -> str:
    """The CSRF token of a session: stable for the session, useless without it."""
    key = hashlib.sha256(_PURPOSE + settings.secret_key.get_secret_value().encode()).digest()
    return hmac.new(key, session_token.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request, settings: GatewaySettings, session_token: str) -> None:
    """For a request authenticated by the session cookie: an unsafe one needs the header."""
    if request.method.upper() in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        raise ProblemError(403, f"a request authenticated by the session cookie must send the "
                           f"{CSRF_HEADER} header with the value of the {CSRF_COOKIE} cookie "
                           "(also in GET /v1/auth/me as csrf_token)", type=CSRF_PROBLEM_TYPE)
    if not hmac.compare_digest(sent.encode(), csrf_token(settings, session_token).encode()):
        raise ProblemError(403, f"the {CSRF_HEADER} header does not match this session: send "
                           f"the current {CSRF_COOKIE} cookie (or csrf_token of GET "
                           "/v1/auth/me)", type=CSRF_PROBLEM_TYPE)


def set_session_cookies(response: Response, settings: GatewaySettings, token: str,
                        expires_at: datetime) -> None:
    """The session (HttpOnly) and its CSRF token (readable by the page), alike otherwise."""
    response.set_cookie(SESSION_COOKIE, token, expires=expires_at, path="/", httponly=True,
                        samesite="lax", secure=settings.cookie_secure)
    response.set_cookie(CSRF_COOKIE, csrf_token(settings, token), expires=expires_at, path="/",
                        httponly=False, samesite="lax", secure=settings.cookie_secure)


def clear_session_cookies(response: Response, settings: GatewaySettings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=settings.cookie_secure)
    response.delete_cookie(CSRF_COOKIE, path="/", httponly=False, samesite="lax",
                           secure=settings.cookie_secure)


def public_origin(settings: GatewaySettings) -> str:
    """The origin of the public base URL: the one a WebSocket's Origin may name besides the
    requested host's (gateway/graphql/router.py)."""
    url = urlsplit(settings.public_base_url)
    return f"{url.scheme}://{url.netloc}"

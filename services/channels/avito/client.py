"""The Avito API client: one per channel account, over one httpx.AsyncClient per process.

Every request is paced by the account's token bucket, bounded by a timeout, retried with
full-jitter exponential backoff on 429/5xx/timeouts/connection errors (honouring Retry-After;
a send is not repeated after a timeout, see `_CREATES`), and turned into a typed error from
`errors.py` when it finally fails.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import orjson
from opentelemetry import trace
from prometheus_client import Counter

from services.channels.avito.errors import (
    AvitoAuthError,
    AvitoError,
    AvitoPaymentRequired,
    AvitoRejected,
    AvitoUnavailable,
    error_message,
)
from services.channels.avito.media import MediaCalls
from services.channels.avito.ratelimit import EndpointLimits, RateLimitPaused, TokenBucket
from services.channels.avito.stats_calls import STATS_LIMITS, StatsCalls
from services.channels.avito.sync_calls import SyncCalls
from services.channels.avito.text import MAX_TEXT_LEN
from services.kernel import telemetry
from services.kernel.backoff import full_jitter, parse_retry_after

log = logging.getLogger(__name__)

REQUESTS = Counter("switchboard_avito_requests_total", "Avito API requests by outcome",
                   ["endpoint", "status"])
TOKEN_REFRESHES = Counter("switchboard_avito_token_refreshes_total",
                          "Access tokens fetched from Avito")

# Tokens are replaced this long before Avito says they expire.
REFRESH_AHEAD_S = 60.0
_RETRYABLE = frozenset({429, 500, 502, 503, 504})
# Requests that create a message each time they reach Avito: not repeated after a timeout or
# a dropped connection, which may come after Avito acted (a second message in the chat).
_CREATES = frozenset({"send_text", "send_image"})
# Transport failures that prove the request never reached Avito.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    retry_after_max_s: float = 30.0

    def backoff(self, retry: int) -> float:
        """Full jitter: a uniform wait up to the capped exponential step (retry 1, 2, ...)."""
        return full_jitter(retry, self.backoff_base_s, self.backoff_max_s)


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: float  # unix seconds

    def fresh(self) -> bool:
        return time.time() < self.expires_at - REFRESH_AHEAD_S


TokenSink = Callable[[AccessToken], Awaitable[None]]
# How an authorization-code account gets a new access token: it spends the stored refresh
# token (single-use, Avito rotates it) and persists the new one (services/channels/oauth.py).
# The second argument is the token Avito refused, if that is why: it must not be handed back.
TokenRefresher = Callable[["AvitoClient", str | None], Awaitable[AccessToken]]


@dataclass(frozen=True)
class OAuthTokens:
    """What the authorization_code and refresh_token grants return."""

    access: AccessToken
    refresh_token: str


class _TokenRefused(Exception):  # internal signal: 401/403 on a resource call
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AvitoClient(MediaCalls, SyncCalls, StatsCalls):
    def __init__(self, http: httpx.AsyncClient, *, base_url: str, client_id: str,
                 client_secret: str, policy: RetryPolicy, bucket: TokenBucket,
                 token: AccessToken | None = None, on_token: TokenSink | None = None,
                 limits: EndpointLimits | None = None,
                 refresher: TokenRefresher | None = None) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._client_id, self._client_secret = client_id, client_secret
        self._policy, self._bucket = policy, bucket
        # Per-endpoint limits learnt from X-RateLimit-* (never faster than the bucket).
        self._limits = limits or EndpointLimits(bucket.rate)
        self._limits.preset(STATS_LIMITS)  # documented, so never learnt from a 429 first
        self._token, self._on_token = token, on_token
        self._refresher = refresher  # None: client_credentials with the stored secret
        self._refused: str | None = None  # the last token Avito refused
        self._refresh_lock = asyncio.Lock()
        self._tracer = telemetry.tracer("switchboard.avito")

    @property
    def cached_token(self) -> AccessToken | None:
        return self._token

    # -- the API -------------------------------------------------------------------------

    async def token(self) -> str:
        """A valid access token; concurrent callers share one refresh."""
        if self._token is not None and self._token.fresh():
            return self._token.value
        async with self._refresh_lock:
            if self._token is None or not self._token.fresh():
                self._token = await self._fetch_token()
                await self._store(self._token)
            return self._token.value

    async def renew_token(self) -> str:
        """Fetch a new token now, even if the cached one looks fresh (are the credentials
        still accepted?); callers arriving meanwhile share it."""
        stale = self._token
        async with self._refresh_lock:
            if self._token is stale or self._token is None:
                self._refused = stale.value if stale else self._refused
                self._token = await self._fetch_token()
                await self._store(self._token)
            return self._token.value

    async def exchange_code(self, code: str) -> OAuthTokens:
        """authorization_code grant with this client's (partner app's) credentials."""
        return await self._oauth_grant({"grant_type": "authorization_code", "code": code})

    async def refresh_tokens(self, refresh_token: str) -> OAuthTokens:
        """refresh_token grant: the old refresh token is spent, persist the returned one."""
        return await self._oauth_grant({"grant_type": "refresh_token",
                                        "refresh_token": refresh_token})

    async def accounts_self(self) -> dict[str, Any]:
        return _object(await self._call("accounts_self", "GET", "/core/v1/accounts/self"))

    async def send_text(self, user_id: str | int, chat_id: str, text: str) -> dict[str, Any]:
        """Send one text message (at most 1000 characters: split longer ones first)."""
        if not text or len(text) > MAX_TEXT_LEN:
            raise ValueError(f"a text message must have 1..{MAX_TEXT_LEN} characters")
        body = {"message": {"text": text}, "type": "text"}
        path = f"/messenger/v1/accounts/{_seg(user_id)}/chats/{_seg(chat_id)}/messages"
        return _object(await self._call("send_text", "POST", path, json=body))

    async def mark_read(self, user_id: str | int, chat_id: str) -> None:
        path = f"/messenger/v1/accounts/{_seg(user_id)}/chats/{_seg(chat_id)}/read"
        await self._call("mark_read", "POST", path)

    async def get_chat(self, user_id: str | int, chat_id: str) -> dict[str, Any]:
        path = f"/messenger/v2/accounts/{_seg(user_id)}/chats/{_seg(chat_id)}"
        return _object(await self._call("get_chat", "GET", path))

    async def list_messages(self, user_id: str | int, chat_id: str, *, limit: int = 100,
                            offset: int = 0) -> list[dict[str, Any]]:
        """Newest first. The spec says a bare array, real clients read {"messages": [...]}."""
        path = f"/messenger/v3/accounts/{_seg(user_id)}/chats/{_seg(chat_id)}/messages/"
        data = await self._call("list_messages", "GET", path,
                                params={"limit": limit, "offset": offset})
        items = data.get("messages") if isinstance(data, dict) else data
        return [m for m in items or [] if isinstance(m, dict)]

    async def subscribe_webhook(self, url: str) -> None:
        await self._call("subscribe_webhook", "POST", "/messenger/v3/webhook", json={"url": url})

    async def unsubscribe_webhook(self, url: str) -> None:
        await self._call("unsubscribe_webhook", "POST", "/messenger/v1/webhook/unsubscribe",
                         json={"url": url})

    async def list_subscriptions(self) -> list[dict[str, Any]]:
        data = _object(await self._call("list_subscriptions", "POST", "/messenger/v1/subscriptions"))
        return [s for s in data.get("subscriptions") or [] if isinstance(s, dict)]

    # -- tokens --------------------------------------------------------------------------

    async def _fetch_token(self) -> AccessToken:
        if self._refresher is not None:
            return await self._refresher(self, self._refused)
        form = {"grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._client_secret}
        data = _object(await self._request("token", "POST", "/token", data=form))
        TOKEN_REFRESHES.inc()
        return _access_token(data)

    async def _oauth_grant(self, form: dict[str, str]) -> OAuthTokens:
        form = {**form, "client_id": self._client_id, "client_secret": self._client_secret}
        data = _object(await self._request("token", "POST", "/token", data=form))
        refresh = data.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            raise AvitoUnavailable("Avito's token answer holds no refresh_token")
        TOKEN_REFRESHES.inc()
        return OAuthTokens(_access_token(data), refresh)

    async def _store(self, token: AccessToken) -> None:
        """Hand a new token to the persistence callback; losing it only costs a refresh."""
        if self._on_token is None:
            return
        try:
            await self._on_token(token)
        except Exception:
            log.warning("could not persist the Avito access token", exc_info=True)

    async def _call(self, endpoint: str, method: str, path: str, **kwargs: Any) -> Any:
        """An authorized call: on 401/403 the token is replaced once and the call retried once."""
        token = await self.token()
        try:
            return await self._request(endpoint, method, path, token=token, **kwargs)
        except _TokenRefused:
            async with self._refresh_lock:
                if self._token is not None and self._token.value == token:
                    self._token = None  # unless a concurrent caller already replaced it
                    self._refused = token
            token = await self.token()
        try:
            return await self._request(endpoint, method, path, token=token, **kwargs)
        except _TokenRefused as exc:
            raise AvitoAuthError(f"Avito refused the account's token: {exc.message}",
                                 status=403) from None

    # -- transport -----------------------------------------------------------------------

    async def _request(self, endpoint: str, method: str, path: str, *, token: str | None = None,
                       **kwargs: Any) -> Any:
        headers = {**kwargs.pop("headers", {}),
                   **({"Authorization": f"Bearer {token}"} if token else {})}
        failure: AvitoError = AvitoUnavailable("Avito was not called")
        for attempt in range(1, self._policy.max_attempts + 1):
            try:
                await self._pace(endpoint)
            except AvitoUnavailable as paused:
                if attempt == 1:
                    raise
                # A retry the endpoint's limit puts off (1/min): the failure is what to tell.
                raise AvitoUnavailable(failure.message, status=failure.status,
                                       retry_after_s=paused.retry_after_s) from None
            try:
                response = await self._send(endpoint, method, path, headers, kwargs)
            except httpx.TransportError as exc:  # timeouts, refused/reset connections
                failure = AvitoUnavailable(f"Avito did not answer ({type(exc).__name__})")
                if endpoint in _CREATES and not isinstance(exc, _NEVER_SENT):
                    # It may have gone out: the sender checks the chat before sending again.
                    raise failure from None
                delay = self._policy.backoff(attempt)
            else:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                self._limits.observe(endpoint, response.headers.get("X-RateLimit-Limit"),
                                     response.headers.get("X-RateLimit-Remaining"), retry_after)
                if response.is_success:
                    return _json(response)
                if response.status_code not in _RETRYABLE:
                    raise _classify(response, authorized=token is not None)
                failure = AvitoUnavailable(
                    f"Avito answered {response.status_code}: "
                    f"{error_message(response.content, response.reason_phrase)}",
                    status=response.status_code, retry_after_s=retry_after)
                if retry_after is not None and retry_after > self._policy.retry_after_max_s:
                    raise failure  # too long to hold the caller: let the bus redeliver later
                delay = retry_after if retry_after is not None else self._policy.backoff(attempt)
            if attempt < self._policy.max_attempts:
                log.info("retrying Avito request", extra={
                    "endpoint": endpoint, "attempt": attempt, "retry_in_s": round(delay, 3),
                    "error": failure.message})
                await asyncio.sleep(delay)
        raise failure

    async def _pace(self, endpoint: str) -> None:
        """The endpoint's own limit (a pause longer than we hold a caller goes to the bus),
        then the account's bucket."""
        try:
            await self._limits.acquire(endpoint, self._policy.retry_after_max_s)
        except RateLimitPaused as exc:
            raise AvitoUnavailable(str(exc), status=429, retry_after_s=exc.wait_s) from None
        await self._bucket.acquire()

    async def _send(self, endpoint: str, method: str, path: str, headers: dict[str, str],
                    kwargs: dict[str, Any]) -> httpx.Response:
        with self._tracer.start_as_current_span(
                f"avito {endpoint}", kind=trace.SpanKind.CLIENT,
                attributes={"http.method": method, "avito.endpoint": endpoint}) as span:
            try:
                response = await self._http.request(method, self._base_url + path,
                                                    headers=headers, **kwargs)
            except httpx.TimeoutException:
                REQUESTS.labels(endpoint, "timeout").inc()
                raise
            except httpx.TransportError:
                REQUESTS.labels(endpoint, "error").inc()
                raise
            span.set_attribute("http.status_code", response.status_code)
        REQUESTS.labels(endpoint, str(response.status_code)).inc()
        return response


def _classify(response: httpx.Response, *, authorized: bool) -> Exception:
    status = response.status_code
    message = error_message(response.content, response.reason_phrase)
    if status == 402:
        return AvitoPaymentRequired(message, status=status)
    if status in (401, 403) and authorized:
        return _TokenRefused(message)
    if not authorized:  # /token: any refusal means the client credentials are wrong
        return AvitoAuthError(message, status=status)
    return AvitoRejected(message, status=status)


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return {}
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise AvitoUnavailable(f"Avito answered {response.status_code} with a body that is "
                               "not JSON", status=response.status_code) from None


def _access_token(data: dict[str, Any]) -> AccessToken:
    value = data.get("access_token")
    if not isinstance(value, str) or not value:
        raise AvitoUnavailable("Avito's token answer holds no access_token")
    return AccessToken(value, time.time() + float(data.get("expires_in") or 86_400))


def _object(data: Any) -> dict[str, Any]:
    return data if isinstance(data, dict) else {}


def _seg(value: str | int) -> str:
    return quote(str(value), safe="")

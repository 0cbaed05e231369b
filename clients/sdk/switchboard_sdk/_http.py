"""HTTP to the API: one httpx client, timeouts, bounded retries with backoff and jitter, errors
mapped to the SDK's exceptions.

What is retried: a request that never reached the server (no connection) always; a `safe` one
(a read, or a write the server deduplicates) also after a timeout, a dropped connection, a 502,
503 or 504, or a GraphQL UNAVAILABLE. Anything else is raised at once: a write is never
repeated blindly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, BinaryIO

import httpx

from switchboard_sdk.errors import (
    RETRYABLE_CODES,
    ConnectionFailed,
    ProtocolError,
    SwitchboardError,
    from_graphql,
    from_problem,
)
from switchboard_sdk.retry import Backoff, parse_retry_after

RETRY_STATUSES = frozenset({502, 503, 504})
# The request was not sent: repeating it cannot do anything twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class _Retryable(Exception):
    def __init__(self, error: SwitchboardError, retry_after: float | None = None, *,
                 unprocessed: bool = False) -> None:
        super().__init__(error.message)
        self.error, self.retry_after = error, retry_after
        # Refused before anything ran (429): any request may be repeated, a mutation too.
        self.unprocessed = unprocessed


class Transport:
    def __init__(self, base_url: str, api_key: str, *, timeout: float, retries: int,
                 backoff: Backoff, user_agent: str) -> None:
        self.base_url = base_url
        self.attempts = retries + 1
        self.backoff = backoff
        self._http = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout), follow_redirects=False,
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": user_agent})

    async def aclose(self) -> None:
        await self._http.aclose()

    async def graphql(self, query: str, variables: Mapping[str, Any], *, safe: bool) -> Any:
        """The `data` of a GraphQL operation; its first error raised as an exception."""
        async def once() -> Any:
            response = await self._http.post("/graphql", json={"query": query,
                                                               "variables": dict(variables)})
            body = _json(_checked(response))
            errors = body.get("errors") if isinstance(body, dict) else None
            if errors:
                error = from_graphql(errors[0], variables)
                if error.code in RETRYABLE_CODES:
                    raise _Retryable(error)
                raise error
            if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
                raise ProtocolError("the GraphQL answer has no data")
            return body["data"]
        return await self._retrying(once, safe)

    async def rest(self, method: str, path: str, *, safe: bool, **kwargs: Any) -> Any:
        """The JSON body of a REST call (None for 204)."""
        async def once() -> Any:
            response = _checked(await self._http.request(method, path, **kwargs))
            return None if response.status_code == 204 else _json(response)
        return await self._retrying(once, safe)

    async def download(self, path: str, sink: BinaryIO) -> int:
        """A REST GET's body written to `sink` as it streams; the bytes written. Retried only
        when the request was never sent (bytes may already be in `sink` otherwise)."""
        async def once() -> int:
            async with self._http.stream("GET", path) as response:
                if not response.is_success:
                    await response.aread()
                    _checked(response)
                written = 0
                async for chunk in response.aiter_bytes():
                    sink.write(chunk)
                    written += len(chunk)
                return written
        written: int = await self._retrying(once, safe=False)
        return written

    async def _retrying(self, once: Callable[[], Awaitable[Any]], safe: bool) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await once()
            except httpx.TransportError as exc:
                error: SwitchboardError = ConnectionFailed(
                    f"{type(exc).__name__} talking to {self.base_url}: {exc}".rstrip(": "))
                retry_after = None
                may_retry = safe or isinstance(exc, _NOT_SENT)
                cause: BaseException = exc
            except _Retryable as exc:
                error, retry_after, cause = exc.error, exc.retry_after, exc
                may_retry = safe or exc.unprocessed
            if not may_retry or attempt >= self.attempts:
                raise error from cause
            await asyncio.sleep(self.backoff.delay(attempt, retry_after))


def _checked(response: httpx.Response) -> httpx.Response:
    """The response if it succeeded; else its error (retryable for 502/503/504)."""
    if response.is_success:
        return response
    try:
        body = response.json()
    except ValueError:
        body = None
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict) and "message" in errors[0]:
        error = from_graphql(errors[0])  # GraphQL's answer with an HTTP error status
        error.status = response.status_code
    else:
        error = from_problem(response.status_code, body, retry_after)
    if response.status_code in RETRY_STATUSES:
        raise _Retryable(error, retry_after)
    if response.status_code == 429:  # waited out within the retries, as the server says
        raise _Retryable(error, retry_after or getattr(error, "retry_after", None),
                         unprocessed=True)
    raise error


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ProtocolError(f"{response.request.method} {response.request.url.path} answered "
                            f"{response.status_code} with a body that is not JSON") from None

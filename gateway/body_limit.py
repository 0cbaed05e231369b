"""Every request body is bounded at the edge, ahead of everything (routes, GraphQL, the webhook
ingress), before any of it is read.

- A declared `Content-Length` over the route's limit is answered 413 at once: nothing of the
  body is read, and the connection is closed (`Connection: close`) rather than drained.
- A body without a declared length (chunked) is counted while it is read, and cut with 413
  the moment it passes the limit.
- A body that stops coming is cut with 408: no chunk for `idle_timeout_s`, or the whole body
  not there within `timeout_s` (`upload_timeout_s` for uploads) of the request's start.

Limits are per route: small for JSON and GraphQL (`default`), the domains' own for uploads
(`routes`, by method and path) and the webhook ingress's for its prefix (`prefixes`). Both
refusals are problem+json; raised inside the app while it reads (FastAPI, strawberry, the
ingress), they reach the client as the same problem through the error handlers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import WatchedSend, problem

CLOSE = {"Connection": "close"}  # the rest of a refused body is not read: end the connection


class BodyRefused(HTTPException):
    """413 or 408: the body is not read on. Raised from `receive` inside the app."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(status, detail, headers=CLOSE)


@dataclass(frozen=True)
class BodyLimits:
    default: int
    routes: Mapping[tuple[str, str], int]  # (method, path) -> bytes
    prefixes: Sequence[tuple[str, int]]  # path prefix -> bytes
    idle_timeout_s: float
    timeout_s: float
    upload_timeout_s: float

    def of(self, method: str, path: str) -> tuple[int, float]:
        """The limit of a request's body and the time it may take to arrive."""
        limit = self.routes.get((method, path))
        if limit is not None:
            return limit, self.upload_timeout_s
        for prefix, limit in self.prefixes:
            if path.startswith(prefix):
                return limit, self.timeout_s
        return self.default, self.timeout_s


def _too_large(limit: int) -> BodyRefused:
    return BodyRefused(413, f"body larger than {limit} bytes, the most this route takes")


class BodyLimit:
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, timeout_s = self.limits.of(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(_too_large(limit), scope, receive, send)
            return
        reader = _Reader(receive, limit, self.limits.idle_timeout_s,
                         asyncio.get_running_loop().time() + timeout_s)
        watched = WatchedSend(send)
        try:
            await self.app(scope, reader.receive, watched)
        except BodyRefused as exc:  # raised where no handler turned it into a response
            if watched.started:
                raise
            await _refuse(exc, scope, receive, send)


class _Reader:
    """`receive` that counts the body and bounds the wait for it; once the body is complete
    it passes messages on untouched (a stream's wait for the client to go away has no
    deadline)."""

    def __init__(self, receive: Receive, limit: int, idle_s: float, deadline: float) -> None:
        self._receive, self._limit, self._idle_s, self._deadline = receive, limit, idle_s, deadline
        self._size, self._done = 0, False

    async def receive(self) -> Message:
        if self._done:
            return await self._receive()
        loop = asyncio.get_running_loop()
        wait = min(self._idle_s, self._deadline - loop.time())
        try:
            async with asyncio.timeout(max(wait, 0)):
                message = await self._receive()
        except TimeoutError:
            raise BodyRefused(408, "the request body did not arrive in time") from None
        if message["type"] == "http.request":
            self._size += len(message.get("body", b""))
            if self._size > self._limit:
                raise _too_large(self._limit)
            self._done = not message.get("more_body", False)
        else:
            self._done = True
        return message


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _refuse(exc: BodyRefused, scope: Scope, receive: Receive, send: Send) -> None:
    await problem(exc.status_code, exc.detail, headers=exc.headers)(scope, receive, send)

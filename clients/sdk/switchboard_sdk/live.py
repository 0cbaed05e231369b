"""Live events: the `conversationEvents` subscription over a WebSocket (graphql-transport-ws),
kept going across drops.

After a drop (network, a gateway restart's 1012, a server-side error that a retry may cure)
the stream connects again with backoff and jitter and resubscribes with `after` = the last
event id it handed you: the server replays what was missed, in order, each once. If that is
too far back the server sends a reset first, surfaced as a `ResetEvent` (refetch your lists).
What cannot be cured by reconnecting is raised: a revoked key (`AuthenticationError`), a scope
taken away (`PermissionDenied`), a bad `after` (`InvalidInput`), or `ConnectionFailed` after
`max_reconnects` failed attempts in a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect

from switchboard_sdk import queries
from switchboard_sdk._codec import decode
from switchboard_sdk.errors import (
    RETRYABLE_CODES,
    AuthenticationError,
    ConnectionFailed,
    PermissionDenied,
    ProtocolError,
    ServerError,
    SwitchboardError,
    from_graphql,
)
from switchboard_sdk.models import ConversationEvent, LiveEvent, ResetEvent
from switchboard_sdk.retry import Backoff

PROTOCOL = "graphql-transport-ws"
RESET = "reset"
START = "start"  # the position the stream begins after: kept as last_event_id, not handed out
_SUBSCRIPTION_ID = "1"
# Closes that no reconnect will cure: the protocol was misused (our bug, or a server far newer).
_PROTOCOL_CLOSES = {4400: "bad message", 4406: "subprotocol not acceptable",
                    4409: "subscriber already exists", 4429: "too many initialisation requests"}


class _Dropped(Exception):
    """The connection ended in a way a reconnect may cure."""


class EventStream:
    """`async for event in stream`: ConversationEvent or ResetEvent, forever (until `aclose`).

    `last_event_id` is the id of the last event handed out (before the first, the position the
    stream began after): keep it, and pass it as `after` when you open a stream again (after a
    restart of your app) to miss nothing.
    """

    def __init__(self, ws_url: str, api_key: str, after: str | None, *, open_timeout: float,
                 backoff: Backoff, max_reconnects: int | None, user_agent: str) -> None:
        self.last_event_id = after
        self._url, self._key, self._user_agent = ws_url, api_key, user_agent
        self._open_timeout, self._backoff = open_timeout, backoff
        self._max_reconnects = max_reconnects
        self._ws: ClientConnection | None = None
        self._failures = 0  # connection attempts failed in a row (events reset it)
        self._closed = False
        self.reconnects = 0  # how many times the stream connected again after a drop

    def __aiter__(self) -> EventStream:
        return self

    async def __aenter__(self) -> EventStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def __anext__(self) -> LiveEvent:
        while not self._closed:
            try:
                if self._ws is None:
                    await self._open()
                event = await self._receive()
            except _Dropped as drop:
                await self._after_drop(drop)
                continue
            except BaseException:
                await self._close_socket()
                raise
            if event is not None:
                self._failures = 0
                self.last_event_id = event.event_id
                return event
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Unsubscribe and close the connection (idempotent)."""
        self._closed = True
        await self._close_socket()

    async def _after_drop(self, drop: _Dropped) -> None:
        await self._close_socket()
        self._failures += 1
        if self._max_reconnects is not None and self._failures > self._max_reconnects:
            raise ConnectionFailed(f"live events: {self._failures} attempts in a row failed; "
                                   f"last: {drop}") from drop
        await asyncio.sleep(self._backoff.delay(self._failures))
        self.reconnects += 1

    async def _open(self) -> None:
        """Connect, authenticate, subscribe after `last_event_id`."""
        try:
            ws = await connect(self._url, subprotocols=[websockets.Subprotocol(PROTOCOL)],
                               open_timeout=self._open_timeout, user_agent_header=self._user_agent,
                               max_size=4 * 2**20)
        except websockets.InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403):
                raise AuthenticationError(f"the live endpoint refused the connection ({status})",
                                          status=status) from None
            raise _Dropped(f"the live endpoint answered {status}") from exc
        except (OSError, TimeoutError, websockets.InvalidHandshake) as exc:
            raise _Dropped(f"cannot connect: {exc!r}") from exc
        self._ws = ws
        await self._send({"type": "connection_init",
                          "payload": {"Authorization": f"Bearer {self._key}"}})
        try:
            ack = await asyncio.wait_for(self._frame(acked=False), self._open_timeout)
        except TimeoutError:
            raise _Dropped("no connection_ack in time") from None
        if ack.get("type") != "connection_ack":
            raise ProtocolError(f"expected connection_ack, got {ack.get('type')!r}")
        await self._send({"id": _SUBSCRIPTION_ID, "type": "subscribe", "payload": {
            "query": queries.CONVERSATION_EVENTS, "variables": {"after": self.last_event_id}}})

    async def _receive(self) -> LiveEvent | None:
        """The next event, None for a frame that carries none (ping, pong)."""
        frame = await self._frame(acked=True)
        kind = frame.get("type")
        if kind == "ping":
            await self._send({"type": "pong"})
            return None
        if kind == "next":
            return self._event(frame.get("payload") or {})
        if kind == "error":
            raise _first_error(frame.get("payload"), {"after": self.last_event_id})
        if kind == "complete":
            raise _Dropped("the server completed the subscription")
        return None  # pong, or a message type this SDK does not know

    def _event(self, payload: dict[str, Any]) -> LiveEvent | None:
        if payload.get("errors"):
            raise _first_error(payload["errors"], {"after": self.last_event_id})
        data = (payload.get("data") or {}).get("conversationEvents")
        if not isinstance(data, dict):
            raise ProtocolError("a live event without conversationEvents")
        if data.get("type") == START:
            self.last_event_id = str(data["eventId"])
            return None
        if data.get("type") == RESET:
            return ResetEvent(event_id=str(data["eventId"]), reason=str(data.get("reason") or ""))
        return decode(ConversationEvent, data)

    async def _frame(self, *, acked: bool) -> dict[str, Any]:
        assert self._ws is not None
        try:
            raw = await self._ws.recv()
        except websockets.ConnectionClosed as closed:
            raise _close_error(closed.rcvd.code if closed.rcvd else 1006,
                               closed.rcvd.reason if closed.rcvd else "", acked) from closed
        try:
            frame = json.loads(raw)
        except ValueError:
            raise ProtocolError("a live frame that is not JSON") from None
        if not isinstance(frame, dict):
            raise ProtocolError("a live frame that is not an object")
        return frame

    async def _send(self, message: dict[str, Any]) -> None:
        assert self._ws is not None
        try:
            await self._ws.send(json.dumps(message))
        except websockets.ConnectionClosed as closed:
            raise _Dropped(f"closed while sending: {closed}") from closed

    async def _close_socket(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), self._open_timeout)


def _close_error(code: int, reason: str, acked: bool) -> Exception:
    """What a close means: credentials (raised), a protocol misuse (raised), else a drop."""
    detail = f"closed with {code}" + (f": {reason}" if reason else "")
    if code == 4401 or (code == 4403 and not acked):
        return AuthenticationError(f"the live stream was refused or ended ({detail})")
    if code == 4403:
        return PermissionDenied(f"the key lost the scope live events need ({detail})")
    if code in _PROTOCOL_CLOSES:
        return ProtocolError(f"live events: {_PROTOCOL_CLOSES[code]} ({detail})")
    return _Dropped(detail)


def _first_error(errors: Any, variables: dict[str, Any]) -> Exception:
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return ProtocolError("a live error without errors")
    error: SwitchboardError = from_graphql(errors[0], variables)
    if error.code in RETRYABLE_CODES or isinstance(error, ServerError):
        return _Dropped(f"server error: {error.message}")
    return error

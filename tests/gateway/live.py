"""Live clients for tests: a Server-Sent Events reader (frames as EventSource would parse
them, plus the comment lines EventSource ignores) and a GraphQL subscription over a WebSocket
(graphql-transport-ws)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets


@dataclass
class Frame:
    id: str | None = None
    event: str | None = None
    data: str = ""
    comments: list[str] = field(default_factory=list)

    @property
    def json(self) -> Any:
        return json.loads(self.data)


class SseReader:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()
        self._last_id = -1
        self._labels: list[str] | None = None

    async def frame(self, within: float = 20) -> Frame:
        """The next frame (raises StopAsyncIteration when the stream ends)."""
        async def read() -> Frame:
            frame = Frame()
            async for line in self._lines:
                if line == "":
                    return frame
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "":
                    frame.comments.append(value)
                elif name == "data":
                    frame.data = f"{frame.data}\n{value}" if frame.data else value
                elif name in ("id", "event"):
                    setattr(frame, name, value)
            raise StopAsyncIteration
        return await asyncio.wait_for(read(), within)

    async def event(self, within: float = 20) -> Frame:
        """The next frame that is an event (skipping keep-alives and id-only frames), within
        `within` seconds in all."""
        async def next_event() -> Frame:
            while True:
                frame = await self.frame(within)
                if frame.event is not None:
                    return frame
        frame = await asyncio.wait_for(next_event(), within)
        if frame.id is not None:  # every event once, in stream order
            assert int(frame.id) > self._last_id, (frame.id, self._last_id)
            self._last_id = int(frame.id)
        return frame

    async def events(self, count: int, within: float = 30) -> list[Frame]:
        return [await self.event(within) for _ in range(count)]

    async def labelled(self, count: int, within: float = 30,
                       current: list[str] | None = None) -> list[Frame]:
        """The next `count` conversation.updated events that changed the labels from `current`
        (skipping other updates, e.g. the listing's details arriving, which repeat them)."""
        if current is not None:
            self._labels = current
        frames: list[Frame] = []
        while len(frames) < count:
            frame = await self.event(within)
            labels = frame.json["conversation"]["labels"] if frame.event == "conversation.updated" else []
            if labels and labels != self._labels:
                self._labels = labels
                frames.append(frame)
        return frames


@contextlib.asynccontextmanager
async def sse(base_url: str, key: str | None = None, *, last_event_id: str | None = None,
              params: dict[str, str] | None = None,
              cookies: dict[str, str] | None = None) -> AsyncIterator[tuple[SseReader, Frame]]:
    """`GET /v1/events`, open: the reader and the first frame (`: connected`, with the position
    as its id, or a reset)."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    async with httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(30, read=None),
                                 cookies=cookies) as http, \
            http.stream("GET", "/v1/events", headers=headers, params=params) as response:
        assert response.status_code == 200, await response.aread()
        reader = SseReader(response)
        first = await reader.frame()
        assert "connected" in first.comments, first
        yield reader, first


@contextlib.asynccontextmanager
async def subscription(gateway_url: str, key: str, query: str,
                       variables: dict[str, Any] | None = None) -> AsyncIterator[Any]:
    """A WebSocket with `query` subscribed (id "1"), authenticated with `key`."""
    url = gateway_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {key}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": query, "variables": variables or {}}}))
        yield ws


async def next_event(ws: Any, type_: str, within: float = 20) -> dict[str, Any]:
    """The next `conversationEvents` event of this type (others are skipped)."""
    async def wait() -> dict[str, Any]:
        while True:
            frame = json.loads(await ws.recv())
            assert frame["type"] == "next", frame
            event = frame["payload"]["data"]["conversationEvents"]
            if event["type"] == type_:
                return event  # type: ignore[no-any-return]
    return await asyncio.wait_for(wait(), within)

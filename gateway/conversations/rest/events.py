"""REST: live events as Server-Sent Events (`GET /v1/events`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from gateway.auth import Reader
from gateway.conversations.live import LiveEvent, tenant_events
from gateway.conversations.schemas import ConversationOut, MessageOut
from gateway.state import State

router = APIRouter(tags=["events"])


@router.get("/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}},
                             "description": "`event:` is message.received, message.created, "
                                            "message.status_changed, conversation.updated or "
                                            "conversation.read; `data:` is JSON {conversation, message}"}})
async def events(request: Request, principal: Reader, state: State) -> StreamingResponse:
    """Live conversation events of your tenant. Reconnect (and refetch) if the stream ends."""
    stream = _sse(request, tenant_events(state.bus, principal.tenant_id),
                  state.settings.sse_heartbeat_s)
    return StreamingResponse(stream, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _sse(request: Request, source: AsyncIterator[LiveEvent],
               heartbeat_s: float) -> AsyncIterator[bytes]:
    yield b": connected\n\n"
    iterator = aiter(source)
    next_event: asyncio.Task[LiveEvent] | None = None
    try:
        while not await request.is_disconnected():
            next_event = next_event or asyncio.ensure_future(anext(iterator))
            done, _ = await asyncio.wait({next_event}, timeout=heartbeat_s)
            if not done:
                yield b": keep-alive\n\n"  # keeps proxies from closing an idle stream
                continue
            event, next_event = next_event.result(), None
            yield _frame(event)
    except StopAsyncIteration:
        return
    finally:
        if next_event is not None:
            next_event.cancel()
        with contextlib.suppress(Exception):
            await iterator.aclose()  # type: ignore[attr-defined]


def _frame(event: LiveEvent) -> bytes:
    data = {"conversation": ConversationOut.from_proto(event.conversation).model_dump(mode="json"),
            "message": MessageOut.from_proto(event.message).model_dump(mode="json")
            if event.message is not None else None}
    return (f"id: {event.event_id}\nevent: {event.type}\ndata: ".encode()
            + orjson.dumps(data) + b"\n\n")

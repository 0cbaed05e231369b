"""REST: live events as Server-Sent Events (`GET /v1/events`), resumable by event id."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from gateway.auth import AUTH_PROBLEMS, Reader, problem_responses, reauthenticate
from gateway.conversations.feed import FeedLost, Start, TenantFeed, tenant_feed
from gateway.conversations.live import RESET, LiveEvent
from gateway.conversations.schemas import ConversationOut, MessageOut
from gateway.state import GatewayState, State
from gateway.streams import UNAVAILABLE, StreamEnd, stream_end

log = logging.getLogger(__name__)

router = APIRouter(tags=["events"])

_DESCRIPTION = (
    "`event:` is message.received, message.created, message.status_changed, message.updated, "
    "conversation.updated, conversation.read, note.added or conversation.handoff_requested "
    "(the AI handed over: `conversation.handoff` says why and since when), with `data:` JSON "
    "{conversation, message}; `id:` is the event's id. `reset` (data {reason, detail}): the "
    "events since your id cannot be replayed, refetch your lists; `end` (data {reason, detail, "
    "reconnect}): the stream ends, reconnect only if `reconnect` is true.")


@router.get("/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}, "description": _DESCRIPTION},
                       **AUTH_PROBLEMS, **problem_responses(503)})
async def events(
    request: Request, principal: Reader, state: State,
    last_event_id: Annotated[str | None, Header(
        alias="Last-Event-ID", description="Resume after this event (EventSource sends it)")] = None,
    last_event_id_query: Annotated[str | None, Query(
        alias="lastEventId", description="The same, for EventSource polyfills that cannot set "
                                         "headers; the header wins")] = None,
) -> StreamingResponse:
    """Live conversation events of your tenant. Reconnect with the last `id:` you received (the
    `Last-Event-ID` header, as EventSource does) to get what you missed, in order, for up to
    `SWITCHBOARD_LIVE_REPLAY_WINDOW_S`; a `reset` event says when that is not possible."""
    feed = tenant_feed(state, principal.tenant_id)
    await feed.open(last_event_id or last_event_id_query)  # 503 problem if NATS is away
    stream = _sse(request, state, feed)
    return StreamingResponse(stream, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
                             background=BackgroundTask(feed.close))  # if never iterated


async def _sse(request: Request, state: GatewayState, feed: TenantFeed) -> AsyncIterator[bytes]:
    yield _start_frame(feed.start)
    iterator = aiter(feed.events())
    end = asyncio.ensure_future(stream_end(state, lambda: reauthenticate(request)))
    next_event: asyncio.Task[LiveEvent] | None = None
    try:
        while not await request.is_disconnected():
            next_event = next_event or asyncio.ensure_future(anext(iterator))
            done, _ = await asyncio.wait({next_event, end}, timeout=state.settings.sse_heartbeat_s,
                                         return_when=asyncio.FIRST_COMPLETED)
            if end in done:
                yield _end_frame(end.result())
                return
            if not done:
                yield b": keep-alive\n\n"  # keeps proxies from closing an idle stream
                continue
            event, next_event = next_event.result(), None
            if (frame := _frame(event)) is not None:
                yield frame
    except FeedLost:
        yield _end_frame(UNAVAILABLE)
    except StopAsyncIteration:
        return
    finally:
        for task in (next_event, end):
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task  # the feed is idle before it closes
        with contextlib.suppress(Exception):
            await iterator.aclose()  # type: ignore[attr-defined]
        await feed.close()


def _start_frame(start: Start) -> bytes:
    # An id with no data fires no event but becomes EventSource's lastEventId: a client that
    # sees no event before it drops still resumes from here.
    if not start.reset:
        return f": connected\nid: {start.position}\n\n".encode()
    data = {"reason": start.reset,
            "detail": "refetch your lists; the events from now on follow"}
    return (f": connected\nid: {start.position}\nevent: {RESET}\ndata: ".encode()
            + orjson.dumps(data) + b"\n\n")


def _frame(event: LiveEvent) -> bytes | None:
    try:
        data = {"conversation": ConversationOut.from_proto(event.conversation).model_dump(mode="json"),
                "message": MessageOut.from_proto(event.message).model_dump(mode="json")
                if event.message is not None else None}
    except (KeyError, ValueError):
        # A producer's bug must not end every stream that reaches this event, again and again
        # on each resume: skip it (a refetch shows the state).
        log.warning("live event not shown", exc_info=True, extra={"event_id": event.event_id})
        return None
    return (f"id: {event.event_id}\nevent: {event.type}\ndata: ".encode()
            + orjson.dumps(data) + b"\n\n")


def _end_frame(end: StreamEnd) -> bytes:
    data = {"reason": end.reason, "detail": end.detail, "reconnect": end.reconnect}
    return b"event: end\ndata: " + orjson.dumps(data) + b"\n\n"

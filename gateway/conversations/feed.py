"""A tenant's live conversation events, read from JetStream at the reader's pace, from a
position the client gives back after a reconnect.

Each open stream (SSE or a GraphQL subscription) has its own ephemeral pull consumer on
SB_CONVERSATIONS filtered to exactly the tenant's subjects (`CONVERSATIONS.tenant_pattern`):
the server filters, so no other tenant's event ever reaches the gateway for it, whatever
position the client sends. An event's id is its stream sequence. The consumer is read at the
client's pace (`pull.py`), so a slow client slows its own reads and nothing piles up in the
gateway (no drop, no unbounded buffer).

Resuming after the id `S` replays the tenant's events after `S`, in order, then goes on live,
if `S` is still in the stream, at most `window_s` old, and at most `max_events` of the
tenant's events follow it. Otherwise the feed starts at the stream's end and says why
(`Start.reset`): the client refetches its lists, and misses nothing from then on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import nats.errors
from nats.js import JetStreamContext
from nats.js.api import StreamState
from nats.js.errors import NotFoundError

from clients.rpc import topics
from gateway.conversations.live import LiveEvent, decode
from gateway.conversations.pull import ConsumerLost, OrderedPull
from gateway.state import GatewayState
from services.kernel.backoff import full_jitter
from services.kernel.bus import Bus
from services.kernel.errors import Unavailable

log = logging.getLogger(__name__)

STREAM = topics.CONVERSATIONS.name
# A lost consumer (NATS restarted, idle cleanup) is re-created from the last position this
# many times in a row, with backoff; then the stream ends and the client resumes by its id.
RESUBSCRIBE_ATTEMPTS = 6
BACKOFF_BASE_S, BACKOFF_MAX_S = 0.2, 5.0
MAX_ID_DIGITS = 20  # a uint64


@dataclass(frozen=True)
class ReplayLimits:
    window_s: float
    max_events: int


@dataclass(frozen=True)
class Start:
    position: int  # the sequence the feed continues after (the client's next id is later)
    reset: str = ""  # why the events since the client's id are not replayed, if they are not


class FeedLost(Unavailable):
    """The feed could not be kept going; the client reconnects with its last id."""


def valid_event_id(value: str) -> bool:
    return 0 < len(value) <= MAX_ID_DIGITS and value.isascii() and value.isdigit()


class TenantFeed:
    def __init__(self, bus: Bus, tenant_id: uuid.UUID, limits: ReplayLimits) -> None:
        self._bus = bus
        self._js: JetStreamContext = bus.js
        self._pattern = topics.CONVERSATIONS.tenant_pattern(tenant_id)
        self._limits = limits
        self._pull: OrderedPull | None = None
        self._closed = False
        self.position = 0
        self.start = Start(0)

    async def open(self, after: str | None) -> Start:
        """Start after the client's last event id (`None`: from now on); raises Unavailable
        when JetStream cannot be reached."""
        try:
            self.start = await self._open(after)
        except (nats.errors.Error, TimeoutError, OSError) as error:
            await self.close()
            log.warning("live feed unavailable", extra={"error": repr(error)})
            raise Unavailable("live events are unavailable right now; retry shortly") from error
        return self.start

    async def _open(self, after: str | None) -> Start:
        state = await self._stream_state()
        if after is None:
            await self._subscribe(state.last_seq)
            return Start(state.last_seq)
        refusal = await self._refusal(after, state)
        if not refusal:
            await self._subscribe(int(after))
            assert self._pull is not None
            pending = await self._pull.pending()
            if pending <= self._limits.max_events:
                return Start(int(after))
            await self._drop()
            refusal = f"more than {self._limits.max_events} events were missed"
            state = await self._stream_state()
        await self._subscribe(state.last_seq)
        return Start(state.last_seq, refusal)

    async def _refusal(self, after: str, state: StreamState) -> str:
        """Why the events after `after` cannot be replayed ("" if they can)."""
        if not valid_event_id(after) or int(after) > state.last_seq:
            return "unknown event id"
        seq = int(after)
        if seq == 0:  # the position of a stream that was empty: all of it is still there
            return "" if state.first_seq <= 1 else "the events since this id are no longer kept"
        if seq < state.first_seq:
            return "the events since this id are no longer kept"
        try:
            stored = await self._js.get_msg(STREAM, seq)
        except NotFoundError:
            return "the events since this id are no longer kept"
        age = (datetime.now(UTC) - stored.time).total_seconds() if stored.time else 0.0
        if age > self._limits.window_s:
            return f"the events since this id are older than {self._limits.window_s:g} s"
        return ""

    async def _stream_state(self) -> StreamState:
        return (await self._js.stream_info(STREAM)).state

    async def _subscribe(self, after_seq: int) -> None:
        pull = OrderedPull(self._js, self._bus.nc, STREAM)
        try:
            await pull.start(self._pattern, after_seq)
        except BaseException:
            await pull.stop()
            raise
        self._pull, self.position = pull, after_seq

    @property
    def consumer(self) -> str:
        return self._pull.consumer if self._pull is not None else ""

    async def events(self) -> AsyncIterator[LiveEvent]:
        """The tenant's events after the position, in stream order, each once, then live."""
        failures = 0
        while not self._closed:
            try:
                if self._pull is None:
                    await self._subscribe(self.position)
                assert self._pull is not None
                msg = await self._pull.next()
            except (ConsumerLost, nats.errors.Error, TimeoutError, OSError) as error:
                if self._closed:
                    return  # closed under a read in flight: not a failure
                failures += 1
                if failures > RESUBSCRIBE_ATTEMPTS:
                    raise FeedLost("the live feed's consumer could not be restored") from error
                log.warning("live feed consumer lost; re-creating it",
                            extra={"error": repr(error), "attempt": failures})
                await self._drop()
                await asyncio.sleep(full_jitter(failures, BACKOFF_BASE_S, BACKOFF_MAX_S))
                continue
            failures = 0
            if msg is None:
                continue  # a heartbeat, or a request done
            seq = msg.metadata.sequence.stream
            if seq <= self.position:
                continue  # already handed on (a re-created consumer starts at a boundary)
            self.position = seq
            event = decode(msg.subject, msg.data, str(seq))
            if event is not None:
                yield event

    async def close(self) -> None:
        """Stop for good: the consumer goes (idempotent)."""
        self._closed = True
        await self._drop()

    async def _drop(self) -> None:
        pull, self._pull = self._pull, None
        if pull is not None:
            await pull.stop()


def tenant_feed(state: GatewayState, tenant_id: uuid.UUID) -> TenantFeed:
    """A feed of the tenant's events with the settings' replay limits, not yet opened."""
    limits = ReplayLimits(state.settings.live_replay_window_s,
                          state.settings.live_replay_max_events)
    return TenantFeed(state.bus, tenant_id, limits)


@contextlib.asynccontextmanager
async def live_feed(state: GatewayState, tenant_id: uuid.UUID,
                    after: str | None) -> AsyncIterator[TenantFeed]:
    """The tenant's feed opened after `after` (its `start` says where, and any reset), closed
    on exit (its consumer deleted)."""
    feed = tenant_feed(state, tenant_id)
    try:
        await feed.open(after)
        yield feed
    finally:
        await feed.close()

"""One ephemeral JetStream consumer read message by message, at the reader's pace.

nats-py's `fetch(n)` waits for a whole batch (or its expiry) once a first message came, which
would hold a live event back for seconds. Here one pull request for up to `BATCH` messages is
outstanding at a time, each message is handed on as soon as it arrives, and the next request
goes out only once the reader has taken the whole previous batch: at most `BATCH` messages
(and a few heartbeats) ever wait in this process, however slow the reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

log = logging.getLogger(__name__)

BATCH = 32
REQUEST_EXPIRES_S = 30.0
HEARTBEAT_S = 5.0  # the server's sign of life while a request waits
SILENCE_S = HEARTBEAT_S * 3  # nothing for this long: the consumer or its server is gone
# JetStream removes a consumer nobody pulled from for this long (one left by a killed gateway).
CONSUMER_IDLE_S = 300.0
_HEARTBEAT, _NO_MESSAGES, _EXPIRED = "100", "404", "408"


class ConsumerLost(Exception):
    """The consumer is gone (deleted, its server restarted) or stopped answering."""


class OrderedPull:
    def __init__(self, js: JetStreamContext, nc: NatsClient, stream: str) -> None:
        self._js, self._nc, self._stream = js, nc, stream
        self.consumer = ""
        self._sub: Subscription | None = None
        # What the server sent for the outstanding request: at most BATCH messages and a few
        # heartbeats, since a request goes out only once the reader took the previous batch.
        # None wakes a reader when the pull stops.
        self._received: asyncio.Queue[Msg | None] = asyncio.Queue()
        self._left = 0  # messages the outstanding request may still bring

    async def start(self, subject_filter: str, after_seq: int) -> None:
        """A new consumer of the filtered subjects from the sequence after `after_seq`."""
        name = uuid.uuid4().hex
        config = ConsumerConfig(
            name=name, filter_subject=subject_filter,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after_seq + 1,
            ack_policy=AckPolicy.NONE, mem_storage=True, num_replicas=1,
            inactive_threshold=CONSUMER_IDLE_S)
        await self._js.add_consumer(self._stream, config)
        self.consumer = name
        self._sub = await self._nc.subscribe(self._nc.new_inbox(), cb=self._on_message)
        await self._request()

    async def _on_message(self, msg: Msg) -> None:
        self._received.put_nowait(msg)

    async def pending(self) -> int:
        """Messages of the filter after the position the consumer started from: those it sent
        already (the first request goes out at start, so some may be on their way) and those
        it has yet to send. Counting only the latter told a gap as smaller than it was."""
        info = await self._js.consumer_info(self._stream, self.consumer)
        sent = info.delivered.consumer_seq if info.delivered is not None else 0
        return (sent or 0) + (info.num_pending or 0)

    async def next(self) -> Msg | None:
        """The next message, or None after a heartbeat or a finished request (call again);
        raises ConsumerLost."""
        try:
            msg = await asyncio.wait_for(self._received.get(), SILENCE_S)
        except TimeoutError as error:
            raise ConsumerLost(f"nothing from the consumer for {SILENCE_S:g} s") from error
        if msg is None or self._sub is None:
            raise ConsumerLost("stopped")
        status = JetStreamContext.is_status_msg(msg)
        if status == _HEARTBEAT:
            return None
        if status in (_NO_MESSAGES, _EXPIRED):
            await self._request()
            return None
        if status:  # 409 consumer deleted or leadership changed, 503 no responders, ...
            raise ConsumerLost(f"{status} {(msg.headers or {}).get('Description', '')}")
        self._left -= 1
        if self._left == 0:
            await self._request()  # the reader has taken the whole previous batch
        return msg

    async def _request(self) -> None:
        assert self._sub is not None
        body = {"batch": BATCH, "expires": int(REQUEST_EXPIRES_S * 1e9),
                "idle_heartbeat": int(HEARTBEAT_S * 1e9)}
        await self._nc.publish(f"$JS.API.CONSUMER.MSG.NEXT.{self._stream}.{self.consumer}",
                               json.dumps(body).encode(), reply=self._sub.subject)
        self._left = BATCH

    async def stop(self) -> None:
        """Unsubscribe and delete the consumer (best effort: an ephemeral consumer left behind
        goes after CONSUMER_IDLE_S anyway)."""
        sub, self._sub = self._sub, None
        self._received.put_nowait(None)  # a reader waiting now returns at once
        if sub is not None:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
        if self.consumer:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._js.delete_consumer(self._stream, self.consumer), 1.0)

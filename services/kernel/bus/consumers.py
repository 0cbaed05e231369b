"""Durable pull consumers (the consumer side of the bus): ack after the handler's own commit,
nak with a growing delay on transient errors, term + dead-letter what can never succeed;
batches per tenant, order keys, backpressure.

A consumer names a durable of the catalogue (`clients/rpc/topics.py`); its topic gives the stream,
the filter and the payload type, and `Delivery.event` is the payload decoded as that type (a
message that does not decode is Poison: dead-lettered, never retried)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from google.protobuf.message import DecodeError
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import context as otel_context
from opentelemetry import trace

from services.kernel import telemetry
from services.kernel.bus.streams import Bus
from services.kernel.tenancy import tenant_scope
from services.kernel.wire import DLQ_PREFIX, Durable, Topic, tenant_of

log = logging.getLogger(__name__)

# How often each consumer samples JetStream's view of its backlog (pending, unacked).
LAG_REFRESH_S = 15.0
HOLD_RECHECK_S = 0.05
IDLE_FETCH_WAIT_S = 1.0
BUSY_FETCH_WAIT_S = 0.02
_OUTCOMES = ("ack", "retry", "dead_letter")

_tracer = telemetry.tracer("switchboard.bus")


class Retry(Exception):
    """Transient failure: redeliver later (the consumer picks the delay unless given)."""

    def __init__(self, reason: str, delay_s: float | None = None) -> None:
        super().__init__(reason)
        self.delay_s = delay_s


class Poison(Exception):
    """This message can never be handled: dead-letter it."""


@dataclass
class Delivery:
    subject: str
    data: bytes
    headers: dict[str, str]
    attempt: int  # 1 on first delivery
    topic: Topic | None = None
    sequence: int = 0  # the stream sequence: the stream's order
    published_at: datetime | None = None  # when the stream stored it

    @property
    def tenant_id(self) -> uuid.UUID:
        return tenant_of(self.subject)

    @cached_property
    def event(self) -> Any:
        """The payload as the topic's message type (decoded once); Poison if it is not one."""
        if self.topic is None:
            raise Poison(f"no topic to decode {self.subject} with")
        try:
            return self.topic.decode(self.data)
        except DecodeError as exc:
            raise Poison(f"undecodable {self.topic.payload.__name__}: {exc}") from exc


def uuid_field(value: str, name: str) -> uuid.UUID:
    """A payload's id field as a UUID; Poison when the producer sent something else."""
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Poison(f"{name} is not a uuid: {value!r}") from exc


Handler = Callable[[Delivery], Awaitable[None]]
# Handles several deliveries of one tenant in one go (one transaction); all or nothing.
BatchHandler = Callable[[list[Delivery]], Awaitable[None]]


@dataclass
class ConsumerSpec:
    durable: Durable
    handler: Handler
    max_deliver: int = 8
    ack_wait_s: float = 30
    batch: int = 64
    # How many messages of one fetched batch are handled at a time. Above 1 only for handlers
    # that tolerate reordering and concurrent peers (as they must across replicas anyway).
    concurrency: int = 1
    # Redelivery delays after a transient failure, by attempt (the last repeats).
    backoff_s: list[float] = field(default_factory=lambda: [0.2, 1, 5, 15, 30, 60])
    # Messages with the same key are handled one after another in stream order, different
    # keys concurrently (up to `concurrency`): e.g. the chat, so sends to one chat keep order.
    order_key: Callable[[Delivery], str] | None = None
    # Optional fast path: the fetched messages of one tenant handed over together. If it
    # raises, nothing of it counts and each message goes through `handler` on its own, which
    # decides retry or dead letter precisely; so both must be idempotent.
    batch_handler: BatchHandler | None = None
    # Backpressure for a low-priority lane: no fetch while this says True (checked again
    # every HOLD_RECHECK_S), e.g. while a downstream consumer has a backlog.
    hold_while: Callable[[], Awaitable[bool]] | None = None
    # For batches that may take longer than `ack_wait_s` (sends paced through an account's
    # limit): while a fetched batch is worked on, its unfinished messages are told in progress
    # every `ack_wait_s / 3`, for at most `max_hold_s`. So ack_wait stays short — a process
    # that dies gives its messages back within it — however long a live one takes.
    max_hold_s: float | None = None

    @property
    def name(self) -> str:
        return self.durable.name

    @property
    def topic(self) -> Topic:
        return self.durable.topic

    def delay_for(self, attempt: int) -> float:
        return self.backoff_s[min(attempt - 1, len(self.backoff_s) - 1)]


class Consumer:
    """Runs one durable pull consumer until stopped."""

    def __init__(self, bus: Bus, spec: ConsumerSpec) -> None:
        self.bus = bus
        self.spec = spec
        self._stopping = asyncio.Event()
        self._next_lag_refresh = 0.0
        # Every series exists from the start, so rates and alerts see zeros rather than nothing.
        for outcome in _OUTCOMES:
            telemetry.BUS_MESSAGES.labels(spec.name, outcome)
        telemetry.DEAD_LETTERS.labels(spec.name)
        telemetry.BUS_REDELIVERIES.labels(spec.name)

    async def run(self) -> None:
        spec = self.spec
        patterns = [t.pattern for t in spec.durable.topics]
        config = ConsumerConfig(
            name=spec.name, durable_name=spec.name, ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            filter_subject=patterns[0] if len(patterns) == 1 else None,
            filter_subjects=patterns if len(patterns) > 1 else None,
            # Our own nak delays drive retries; max_deliver is a backstop past our budget.
            max_deliver=spec.max_deliver + 2, ack_wait=spec.ack_wait_s, max_ack_pending=1000)
        # Create the durable, or update it to this config (JetStream takes a create with a
        # changed ack_wait, max_deliver or filter as an update): a new release's settings
        # apply to a durable an earlier one made.
        await self.bus.js.add_consumer(spec.topic.stream.name, config=config)
        sub = await self.bus.js.pull_subscribe_bind(durable=spec.name,
                                                   stream=spec.topic.stream.name)
        try:
            await self._pull(sub)
        finally:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def _pull(self, sub: JetStreamContext.PullSubscription) -> None:
        spec = self.spec
        busy = True  # start by taking whatever is waiting, as after a busy fetch
        while not self._stopping.is_set():
            await self._refresh_lag(sub)
            if spec.hold_while is not None and await spec.hold_while():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), HOLD_RECHECK_S)
                continue
            # A pull that has to wait for messages returns only when its batch is full or it
            # expires, so a lone message could sit in it for the whole timeout. Idle, wait for
            # one message; busy, take what is there (a short wait at most, if nothing is).
            size, timeout = (spec.batch, BUSY_FETCH_WAIT_S) if busy else (1, IDLE_FETCH_WAIT_S)
            try:
                msgs = await sub.fetch(size, timeout=timeout)
            except (NatsTimeout, TimeoutError):  # nothing to fetch (nats-py raises either)
                busy = False
                continue
            except Exception:  # a reconnect or a cluster hiccup: wait, then fetch again
                log.warning("fetch failed", extra={"consumer": spec.name}, exc_info=True)
                await asyncio.sleep(0.5)
                continue
            busy = True
            keep = asyncio.create_task(self._in_progress(msgs)) if spec.max_hold_s else None
            try:
                groups = self._groups(msgs)
                if len(groups) == 1 or spec.concurrency <= 1:
                    for group in groups:
                        await self._handle_group(group)
                else:
                    await self._handle_concurrently(groups)
            finally:
                if keep is not None:
                    keep.cancel()

    async def _in_progress(self, msgs: list[Msg]) -> None:
        """+WPI for the batch's messages not yet acked, naked or termed (nats-py marks those
        `_ackd`), every ack_wait / 3 until `max_hold_s`: then JetStream may take them back."""
        every = self.spec.ack_wait_s / 3
        deadline = time.monotonic() + (self.spec.max_hold_s or 0)
        while time.monotonic() + every < deadline:
            await asyncio.sleep(every)
            for msg in msgs:
                if not msg._ackd:
                    with contextlib.suppress(Exception):  # a reconnect: the next round
                        await msg.in_progress()

    def _groups(self, msgs: list[Msg]) -> list[list[Msg]]:
        """The fetched batch split into what must run in order: per tenant for a batch
        handler, per `order_key`, else one message each (stream order kept inside a group)."""
        spec = self.spec
        if spec.batch_handler is None and spec.order_key is None:
            return [[m] for m in msgs]
        groups: dict[object, list[Msg]] = {}
        for msg in msgs:
            key = _tenant_or_none(msg.subject) if spec.batch_handler is not None \
                else spec.order_key(self._delivery(msg))  # type: ignore[misc]
            groups.setdefault(key, []).append(msg)
        return list(groups.values())

    async def _handle_concurrently(self, groups: list[list[Msg]]) -> None:
        """Groups at most `concurrency` at a time; each message is still acked on its own."""
        slots = asyncio.Semaphore(self.spec.concurrency)

        async def one(group: list[Msg]) -> None:
            async with slots:
                await self._handle_group(group)

        await asyncio.gather(*(one(g) for g in groups))

    async def _handle_group(self, group: list[Msg]) -> None:
        if self.spec.batch_handler is not None and len(group) > 1 \
                and await self._handle_batch(group):
            return
        for msg in group:
            await self._handle(msg)

    async def _handle_batch(self, msgs: list[Msg]) -> bool:
        """One tenant's messages through the batch handler; False (nothing acked) if it failed,
        and the caller then handles them one by one."""
        spec = self.spec
        deliveries = [self._delivery(m) for m in msgs]
        # One span for the batch, linked to each message's trace (a span has one parent).
        links = [trace.Link(ctx) for d in deliveries if (ctx := _span_context(d.headers)).is_valid]
        started = time.perf_counter()
        try:
            with _tracer.start_as_current_span(
                    f"consume {spec.name} batch", kind=trace.SpanKind.CONSUMER, links=links,
                    attributes={"messaging.system": "nats", "messaging.consumer": spec.name,
                                "messaging.batch.message_count": len(msgs)}), \
                    tenant_scope(_tenant_or_none(msgs[0].subject)):
                await spec.batch_handler(deliveries)  # type: ignore[misc]
        except Exception as exc:
            log.info("batch failed, handling its messages one by one", extra={
                "consumer": spec.name, "size": len(msgs), "error": str(exc)})
            return False
        elapsed = time.perf_counter() - started
        for msg, delivery in zip(msgs, deliveries, strict=True):
            if delivery.attempt > 1:
                telemetry.BUS_REDELIVERIES.labels(spec.name).inc()
            await msg.ack()
            telemetry.BUS_HANDLE_LATENCY.labels(spec.name).observe(elapsed)
        telemetry.BUS_MESSAGES.labels(spec.name, "ack").inc(len(msgs))
        return True

    async def _refresh_lag(self, sub: JetStreamContext.PullSubscription) -> None:
        """At most every LAG_REFRESH_S: the consumer's pending and unacked counts from JetStream."""
        now = time.monotonic()
        if now < self._next_lag_refresh:
            return
        self._next_lag_refresh = now + LAG_REFRESH_S
        try:
            info = await asyncio.wait_for(sub.consumer_info(), 2)
        except Exception:  # a reconnect: the gauges keep their last value until the next pass
            log.debug("consumer info failed", extra={"consumer": self.spec.name}, exc_info=True)
            return
        labels = (self.spec.name, self.spec.topic.stream.name)
        telemetry.BUS_CONSUMER_PENDING.labels(*labels).set(info.num_pending or 0)
        telemetry.BUS_CONSUMER_ACK_PENDING.labels(*labels).set(info.num_ack_pending or 0)

    def stop(self) -> None:
        self._stopping.set()

    def _delivery(self, msg: Msg) -> Delivery:
        meta = msg.metadata
        return Delivery(msg.subject, msg.data, dict(msg.headers or {}), meta.num_delivered,
                        self.spec.durable.topic_for(msg.subject), meta.sequence.stream,
                        meta.timestamp)

    async def _handle(self, msg: Msg) -> None:
        spec = self.spec
        delivery = self._delivery(msg)
        headers = delivery.headers
        if delivery.attempt > 1:
            telemetry.BUS_REDELIVERIES.labels(spec.name).inc()
        parent = telemetry.extract_trace_context(headers)
        token = otel_context.attach(parent)  # type: ignore[arg-type]
        started = time.perf_counter()
        try:
            with _tracer.start_as_current_span(
                    f"consume {spec.name}", kind=trace.SpanKind.CONSUMER,
                    attributes={"messaging.system": "nats", "messaging.destination": msg.subject,
                                "messaging.consumer": spec.name,
                                "messaging.nats.delivery_attempt": delivery.attempt}):
                outcome = await self._dispatch(msg, delivery)
        finally:
            otel_context.detach(token)
        telemetry.BUS_MESSAGES.labels(spec.name, outcome).inc()
        telemetry.BUS_HANDLE_LATENCY.labels(spec.name).observe(time.perf_counter() - started)

    async def _dispatch(self, msg: Msg, delivery: Delivery) -> str:
        spec = self.spec
        try:
            with tenant_scope(_tenant_or_none(delivery.subject)):
                await spec.handler(delivery)
        except Poison as exc:
            await self._dead_letter(msg, delivery, f"poison: {exc}")
            return "dead_letter"
        except Exception as exc:
            if delivery.attempt >= spec.max_deliver:
                await self._dead_letter(msg, delivery, f"gave up after {delivery.attempt}: {exc}")
                return "dead_letter"
            delay = exc.delay_s if isinstance(exc, Retry) and exc.delay_s is not None \
                else spec.delay_for(delivery.attempt)
            log.warning("handler failed, will retry", exc_info=not isinstance(exc, Retry),
                        extra={"consumer": spec.name, "attempt": delivery.attempt,
                               "retry_in_s": delay, "error": str(exc)})
            await msg.nak(delay=delay)
            return "retry"
        await msg.ack()
        return "ack"

    async def _dead_letter(self, msg: Msg, delivery: Delivery, reason: str) -> None:
        log.error("dead-lettering message", extra={
            "consumer": self.spec.name, "subject": delivery.subject, "reason": reason})
        meta = msg.metadata
        headers = {**delivery.headers, "Sb-Original-Subject": delivery.subject,
                   "Sb-Consumer": self.spec.name, "Sb-Reason": reason[:500]}
        await self.bus.publish(
            f"{DLQ_PREFIX}.{self.spec.name}", delivery.data, headers=headers,
            msg_id=f"dlq:{self.spec.name}:{meta.stream}:{meta.sequence.stream}")
        telemetry.DEAD_LETTERS.labels(self.spec.name).inc()
        await msg.term()


def _span_context(headers: dict[str, str]) -> trace.SpanContext:
    context = telemetry.extract_trace_context(headers)
    return trace.get_current_span(context).get_span_context()  # type: ignore[arg-type]




class Backlog:
    """Whether a durable consumer has more than `limit` messages waiting or in flight, from
    JetStream's consumer info, looked up at most every `refresh_s` (shared by all replicas)."""

    def __init__(self, bus: Bus, durable: Durable, limit: int, refresh_s: float = 0.1) -> None:
        self.bus, self.stream, self.durable = bus, durable.topic.stream.name, durable.name
        self.limit, self.refresh_s = limit, refresh_s
        self._next, self._over = 0.0, False

    async def over_limit(self) -> bool:
        now = time.monotonic()
        if now >= self._next:
            self._next = now + self.refresh_s
            try:
                info = await asyncio.wait_for(self.bus.js.consumer_info(self.stream, self.durable), 2)
                self._over = (info.num_pending or 0) + (info.num_ack_pending or 0) > self.limit
            except Exception:  # not created yet, or a reconnect: do not hold work back
                self._over = False
        return self._over


def _tenant_or_none(subject_: str) -> uuid.UUID | None:
    try:
        return tenant_of(subject_)
    except (IndexError, ValueError):
        return None


async def run_consumers(bus: Bus, specs: list[ConsumerSpec], stop: asyncio.Event) -> None:
    """Run consumers until `stop` is set, then let each finish its current message."""
    consumers = [Consumer(bus, spec) for spec in specs]
    tasks = [asyncio.create_task(c.run(), name=f"consumer:{c.spec.name}") for c in consumers]
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
    for c in consumers:
        c.stop()
    await asyncio.gather(*tasks, return_exceptions=True)
    stopper.cancel()
    for task in done:
        if task is not stopper and task.exception():
            raise task.exception()  # type: ignore[misc]

"""JetStream streams, subjects and deduplicated publishing (the producer side of the bus)."""

from __future__ import annotations

import contextlib
import logging
import uuid
from dataclasses import dataclass

import nats
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import PubAck, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from opentelemetry import trace

from services.kernel import telemetry

log = logging.getLogger(__name__)

MSG_ID_HEADER = "Nats-Msg-Id"
DLQ_PREFIX = "sb.dlq"

_tracer = telemetry.tracer("switchboard.bus")


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: list[str]
    # JetStream drops a re-sent Nats-Msg-Id within this window; handlers stay idempotent beyond it.
    duplicate_window_s: float = 600
    max_age_s: float = 7 * 24 * 3600


STREAMS = [
    StreamSpec("SB_WEBHOOKS", ["sb.webhooks.>"]),
    StreamSpec("SB_CHANNELS", ["sb.channels.>"]),
    StreamSpec("SB_CONVERSATIONS", ["sb.conversations.>"]),
    StreamSpec("SB_AGENT", ["sb.agent.>"]),
    StreamSpec("SB_DEAD_LETTER", [f"{DLQ_PREFIX}.>"], max_age_s=30 * 24 * 3600),
]


def subject(producer: str, tenant_id: uuid.UUID | str, entity: str, event: str) -> str:
    return f"sb.{producer}.{tenant_id}.{entity}.{event}"


def tenant_of(subject_: str) -> uuid.UUID:
    """The tenant token of a subject sb.<producer>.<tenant>.…"""
    return uuid.UUID(subject_.split(".")[2])


class Bus:
    def __init__(self, nc: NatsClient, *, replicas: int = 1) -> None:
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream(timeout=10)
        self.replicas = replicas

    @classmethod
    async def connect(cls, url: str, *, name: str, replicas: int = 1) -> Bus:
        nc = await nats.connect(url, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                                connect_timeout=5, drain_timeout=5)
        return cls(nc, replicas=replicas)

    async def ensure_streams(self, specs: list[StreamSpec] = STREAMS) -> None:
        """Create or update every stream (idempotent; safe from several processes)."""
        for spec in specs:
            config = StreamConfig(
                name=spec.name, subjects=spec.subjects, storage=StorageType.FILE,
                duplicate_window=spec.duplicate_window_s, max_age=spec.max_age_s,
                num_replicas=self.replicas)
            try:
                await self.js.stream_info(spec.name)
                await self.js.update_stream(config)
            except NotFoundError:
                await self.js.add_stream(config)

    async def publish(self, subject_: str, payload: bytes, *, msg_id: str,
                      headers: dict[str, str] | None = None) -> PubAck:
        """Durable publish: returns once JetStream stored it (or knew it as a duplicate).

        The PRODUCER span continues the trace context already in `headers` (an outbox row keeps
        that of the transaction that wrote it), else the current one; the consumers continue it.
        """
        all_headers = {MSG_ID_HEADER: msg_id, **(headers or {})}
        parent = telemetry.extract_trace_context(all_headers) if "traceparent" in all_headers else None
        with _tracer.start_as_current_span(
                f"publish {'.'.join(subject_.split('.')[:2])}", context=parent,  # type: ignore[arg-type]
                kind=trace.SpanKind.PRODUCER,
                attributes={"messaging.system": "nats", "messaging.destination": subject_,
                            "messaging.message.id": msg_id}) as span:
            telemetry.inject_trace_headers(all_headers)
            ack = await self.js.publish(subject_, payload, headers=all_headers)
            span.set_attributes({"messaging.nats.stream": ack.stream,
                                 "messaging.nats.duplicate": bool(ack.duplicate)})
        telemetry.BUS_PUBLISHED.labels(ack.stream, str(bool(ack.duplicate)).lower()).inc()
        return ack

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.nc.drain()

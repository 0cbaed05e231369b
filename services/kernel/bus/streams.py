"""JetStream streams, subjects and deduplicated publishing (the producer side of the bus)."""

from __future__ import annotations

import contextlib
import logging
import ssl
import uuid
from collections.abc import Iterable

import nats
from google.protobuf.message import Message
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, PubAck, StorageType, StreamConfig
from nats.js.errors import BucketNotFoundError, NotFoundError
from opentelemetry import trace

from services.kernel import telemetry
from services.kernel.config import KernelSettings
from services.kernel.tls import nats_ssl_context
from services.kernel.wire import Bucket, Stream, Topic, inbox_prefix

log = logging.getLogger(__name__)

MSG_ID_HEADER = "Nats-Msg-Id"
EVENT_TYPE_HEADER = "Sb-Event-Type"

_tracer = telemetry.tracer("switchboard.bus")


class Bus:
    def __init__(self, nc: NatsClient, *, replicas: int = 1) -> None:
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream(timeout=10)
        self.replicas = replicas

    @classmethod
    async def connect(cls, url: str, *, name: str, replicas: int = 1, user: str = "",
                      password: str = "", tls: ssl.SSLContext | None = None) -> Bus:
        """`url`: one server, or a cluster's as a comma-separated list (a process that starts
        while one node is down connects to another; running ones learn the rest anyway).

        As `user`, replies come to the user's own inboxes (`wire.inbox_prefix`), the only ones
        its permissions let it read."""
        servers = [u.strip() for u in url.split(",") if u.strip()]
        login = {"user": user, "password": password, "inbox_prefix": inbox_prefix(user)} \
            if user else {}
        nc = await nats.connect(servers=servers, name=name, max_reconnect_attempts=-1,
                                reconnect_time_wait=0.5, connect_timeout=5, drain_timeout=5,
                                tls=tls, **login)
        return cls(nc, replicas=replicas)

    @classmethod
    async def connect_as(cls, settings: KernelSettings, user: str) -> Bus:
        """Connect with the settings' URL, TLS and password as `user` (unless the settings
        name another with SWITCHBOARD_NATS_USER)."""
        return await cls.connect(
            settings.nats_url, name=user, replicas=settings.stream_replicas,
            user=settings.nats_user or user, password=settings.nats_password.get_secret_value(),
            tls=nats_ssl_context(settings))

    async def require_streams(self, streams: Iterable[Stream]) -> None:
        """Check that these streams exist: components create none (their NATS users may not),
        `switchboard streams` does, as the admin user, before they start."""
        missing = []
        for spec in streams:
            try:
                await self.js.stream_info(spec.name)
            except NotFoundError:
                missing.append(spec.name)
        if missing:
            raise RuntimeError(f"JetStream stream(s) {', '.join(missing)} missing: run "
                               "`switchboard streams` as the NATS admin user first")

    async def ensure_streams(self, streams: Iterable[Stream]) -> None:
        """Create or update these streams (the catalogue's `STREAMS`; idempotent, safe from
        several processes). Needs a user allowed to manage streams (the admin)."""
        for spec in streams:
            config = StreamConfig(
                name=spec.name, subjects=spec.subjects, storage=StorageType.FILE,
                duplicate_window=spec.duplicate_window_s, max_age=spec.max_age_s,
                num_replicas=self.replicas)
            try:
                await self.js.stream_info(spec.name)
                await self.js.update_stream(config)
            except NotFoundError:
                await self.js.add_stream(config)

    async def ensure_buckets(self, buckets: Iterable[Bucket]) -> None:
        """Create these key-value buckets where missing (the admin, like the streams); an
        existing bucket and its keys are left as they are."""
        for spec in buckets:
            try:
                await self.js.key_value(spec.name)
            except (NotFoundError, BucketNotFoundError):
                await self.js.create_key_value(KeyValueConfig(
                    bucket=spec.name, history=spec.history, storage=StorageType.FILE,
                    replicas=self.replicas, direct=True))

    async def publish(self, subject: str, payload: bytes, *, msg_id: str,
                      headers: dict[str, str] | None = None,
                      ack_timeout_s: float | None = None) -> PubAck:
        """Durable publish: returns once JetStream stored it (or knew it as a duplicate).
        `ack_timeout_s`: this call's wait for the ack (default: the context's 10 s); past it the
        message may still be stored later (nats-py sends what it buffered on reconnect).

        The PRODUCER span continues the trace context already in `headers` (an outbox row keeps
        that of the transaction that wrote it), else the current one; the consumers continue it.
        """
        all_headers = {MSG_ID_HEADER: msg_id, **(headers or {})}
        parent = telemetry.extract_trace_context(all_headers) if "traceparent" in all_headers else None
        with _tracer.start_as_current_span(
                f"publish {'.'.join(subject.split('.')[:2])}", context=parent,  # type: ignore[arg-type]
                kind=trace.SpanKind.PRODUCER,
                attributes={"messaging.system": "nats", "messaging.destination": subject,
                            "messaging.message.id": msg_id}) as span:
            telemetry.inject_trace_headers(all_headers)
            ack = await self.js.publish(subject, payload, headers=all_headers, timeout=ack_timeout_s)
            span.set_attributes({"messaging.nats.stream": ack.stream,
                                 "messaging.nats.duplicate": bool(ack.duplicate)})
        telemetry.BUS_PUBLISHED.labels(ack.stream, str(bool(ack.duplicate)).lower()).inc()
        return ack

    async def publish_event(self, topic: Topic, tenant_id: uuid.UUID, event: Message, *,
                            msg_id: str, ack_timeout_s: float | None = None) -> PubAck:
        """Publish `event` as `topic`'s, directly (not through an outbox): for facts with no
        transaction to pair them with, whose deterministic `msg_id` makes a repeat one message."""
        check_payload(topic, event)
        return await self.publish(topic.subject(tenant_id), event.SerializeToString(),
                                  msg_id=msg_id, headers={EVENT_TYPE_HEADER: event.DESCRIPTOR.full_name},
                                  ack_timeout_s=ack_timeout_s)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.nc.drain()


def check_payload(topic: Topic, event: Message) -> None:
    """A topic carries one payload type: anything else is a programming error, caught here."""
    if not isinstance(event, topic.payload):
        raise TypeError(f"{topic.subject('<tenant>')} carries {topic.payload.__name__}, "
                        f"not {type(event).__name__}")

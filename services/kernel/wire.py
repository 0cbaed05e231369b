"""What travels between processes, shared by both ends: gRPC metadata names and message sizes,
and the shape of the bus (streams, topics, durable consumers).

Client side (`clients/rpc`) and server side (interceptors, the bus) import these names from
here, so a client needs nothing of the server. The bus's catalogue of actual topics is
`clients/rpc/topics.py`; this module only says what a topic is.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from google.protobuf.message import Message

# gRPC metadata: who calls (a component's name) with its own credential, and the tenant the
# call acts for.
TENANT_METADATA_KEY = "x-switchboard-tenant"
CALLER_METADATA_KEY = "x-switchboard-caller"
SERVICE_TOKEN_METADATA_KEY = "x-switchboard-service-token"  # noqa: S105 - a header name


@dataclass(frozen=True)
class Caller:
    """A component calling the services: its name, its own token (each caller has one, so a
    leaked token speaks for one component only), and the CA its channels verify the services'
    TLS certificates with (None: plaintext, e.g. loopback)."""

    name: str
    token: str = field(repr=False)
    ca: bytes | None = field(default=None, repr=False)


def token_digest(token: str) -> str:
    """What a service knows of a caller's token (SWITCHBOARD_GRPC_CALLERS): its sha256, so a
    service's configuration never holds a credential that could call the others. Tokens are
    random 256-bit strings, so no salt or slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def inbox_prefix(user: str) -> str:
    """Where a NATS user's replies come (JetStream acks, API answers, pulled messages): its own
    `_INBOX.<user>.…`, the only subjects its permissions let it subscribe to, so no component
    reads what another pulled."""
    return f"_INBOX.{user}"

# Media for replies (up to 24 MB) travels in one message; gRPC's default cap is 4 MB.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MESSAGE_SIZE_OPTIONS = [("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)]

SUBJECT_ROOT = "sb"
DLQ_PREFIX = f"{SUBJECT_ROOT}.dlq"


@dataclass(frozen=True)
class Stream:
    """One JetStream stream holding every subject `sb.<token>.>`."""

    name: str
    token: str
    # JetStream drops a re-sent Nats-Msg-Id within this window; handlers stay idempotent beyond it.
    duplicate_window_s: float = 600
    max_age_s: float = 7 * 24 * 3600

    @property
    def subjects(self) -> list[str]:
        return [f"{SUBJECT_ROOT}.{self.token}.>"]

    def tenant_pattern(self, tenant_id: uuid.UUID | str) -> str:
        """Every subject of one tenant on this stream (live feeds subscribe to it)."""
        return f"{SUBJECT_ROOT}.{self.token}.{tenant_id}.>"


DEAD_LETTER = Stream("SB_DEAD_LETTER", "dlq", max_age_s=30 * 24 * 3600)


@dataclass(frozen=True)
class Topic:
    """One kind of event: `sb.<stream token>.<tenant_id>.<entity>.<event>`, carrying `payload`.

    `producer` is the component that publishes it (the stream's token names the producing
    side's area; the gateway publishes the raw webhooks stream)."""

    stream: Stream
    producer: str
    entity: str
    event: str
    payload: type[Message]

    def subject(self, tenant_id: uuid.UUID | str) -> str:
        return f"{SUBJECT_ROOT}.{self.stream.token}.{tenant_id}.{self.entity}.{self.event}"

    @property
    def pattern(self) -> str:
        """The subject of every tenant (a consumer's filter)."""
        return f"{SUBJECT_ROOT}.{self.stream.token}.*.{self.entity}.{self.event}"

    @property
    def suffix(self) -> str:
        """`<entity>.<event>`: what the subject says after the tenant."""
        return f"{self.entity}.{self.event}"

    def decode(self, data: bytes) -> Message:
        """The payload; raises protobuf's DecodeError on bytes that are not one."""
        return self.payload.FromString(data)


@dataclass(frozen=True)
class Durable:
    """A durable pull consumer: its name (JetStream's), the topic it reads, who runs it.
    `also`: more topics of the same stream read by the same consumer, in the stream's order
    (JetStream's `filter_subjects`), e.g. every public conversation event for webhooks."""

    name: str
    topic: Topic
    owner: str
    also: tuple[Topic, ...] = ()

    @property
    def topics(self) -> tuple[Topic, ...]:
        return (self.topic, *self.also)

    def topic_for(self, subject: str) -> Topic:
        """Which of its topics a subject is (the first when it reads one)."""
        if not self.also:
            return self.topic
        suffix = subject.split(".", 3)[-1]
        return next((t for t in self.also if t.suffix == suffix), self.topic)


def tenant_of(subject: str) -> uuid.UUID:
    """The tenant token of a subject sb.<token>.<tenant>.…"""
    return uuid.UUID(subject.split(".")[2])


@dataclass(frozen=True)
class Bucket:
    """A JetStream key-value bucket of operator data every reader shares (the tenants' plans):
    written by the operator (the admin user), read by `readers` (their NATS permissions)."""

    name: str
    readers: tuple[str, ...]
    history: int = 5

    @property
    def stream(self) -> str:
        """The stream JetStream keeps the bucket in."""
        return f"KV_{self.name}"

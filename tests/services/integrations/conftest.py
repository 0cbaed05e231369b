"""The integrations service on its real runtime (gRPC, the fan-out consumer, the dispatcher,
PostgreSQL) over a private nats-server and database per module (the session platform runs an
integrations component of its own, whose durable would take these tests' events), with:
- `receiver`: a local HTTP server recording webhook deliveries per path (the one loopback
  address the runtime may call: `outbound_allow`), answering what a test sets per path
  (a status, or a sleep past the timeout);
- `publish`: a public conversation event published on SB_CONVERSATIONS, as conversations
  would; short backoff, breaker and timeout settings so retries happen within a test.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clients.rpc import topics
from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as cpb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as cev
from clients.rpc.integrations import IntegrationsClient
from services.integrations.config import IntegrationsSettings
from services.integrations.runtime import IntegrationsRuntime, build_runtime
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from switchboard.credentials import Credentials
from switchboard.http_server import BackgroundServer
from tests.fixtures.bus import as_component
from tests.fixtures.private_stack import private_stack

# Not its `runtime`: this one is built with the test settings below.
own_nats_server, own_nats, bus, own_db_url, db = private_stack("integrations", build_runtime)[:5]


@dataclass
class Call:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return orjson.loads(self.body)  # type: ignore[no-any-return]


@dataclass
class Receiver:
    base: str
    port: int
    calls: dict[str, list[Call]] = field(default_factory=dict)
    status: dict[str, int] = field(default_factory=dict)  # per path; 200 otherwise
    sleep_s: dict[str, float] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def of(self, path: str) -> list[Call]:
        return self.calls.get(path, [])

    def delivered(self, path: str) -> list[Call]:
        """The calls answered 2xx (those made while the path's status was 2xx)."""
        return [c for c in self.of(path) if c.headers["x-test-answered"].startswith("2")]


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    found: Receiver

    async def hook(request: Request) -> Response:
        path, body = request.path_params["path"], await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        if found.sleep_s.get(path):  # recorded as not answered: the sender gives up first
            headers["x-test-answered"] = "none"
            found.calls.setdefault(path, []).append(Call(headers, body))
            await asyncio.sleep(found.sleep_s[path])
            return Response("too late", status_code=200)
        status = found.status.get(path, 200)
        headers["x-test-answered"] = str(status)
        found.calls.setdefault(path, []).append(Call(headers, body))
        return Response(f"answer {status}", status_code=status)

    app = Starlette(routes=[Route("/{path}", hook, methods=["POST"])])
    async with BackgroundServer(app) as srv:
        found = Receiver(srv.url, srv.port)
        yield found


@pytest.fixture(scope="module")
def webhook_settings() -> dict[str, Any]:
    """Retries, breaker and timeout quick enough to happen within a test (a module may
    override this fixture)."""
    return {"webhooks_timeout_s": 1.0, "webhooks_backoff_s": 0.05,
            "webhooks_backoff_max_s": 0.2, "webhooks_poll_s": 0.1, "webhooks_lease_s": 5.0,
            "webhooks_breaker_failures": 4, "webhooks_breaker_min_span_s": 0,
            "webhooks_breaker_probe_s": 0.3, "webhooks_breaker_probe_max_s": 0.6}


@pytest.fixture(scope="module")
async def runtime(settings: KernelSettings, credentials: Credentials, own_nats: str,
                  own_db_url: str, receiver: Receiver,
                  webhook_settings: dict[str, Any]) -> AsyncIterator[IntegrationsRuntime]:
    base = as_component(settings, credentials, "integrations")
    config = IntegrationsSettings(**{
        **base.model_dump(), "secret_key": settings.secret_key.get_secret_value(),
        "grpc_token": base.grpc_token.get_secret_value(),
        "nats_password": base.nats_password.get_secret_value(),
        "nats_url": own_nats, "database_url": own_db_url,
        "outbound_allow": f"127.0.0.1:{receiver.port}", **webhook_settings})
    rt = await build_runtime(config)
    await rt.start()
    yield rt
    await rt.stop(1)


@pytest.fixture(scope="module")
async def client(runtime: IntegrationsRuntime,
                 settings: KernelSettings) -> AsyncIterator[IntegrationsClient]:
    c = IntegrationsClient(open_channel(runtime.grpc.address), settings.caller("gateway"))
    yield c
    await c.channel.close()


@pytest.fixture
def tenant() -> uuid.UUID:
    """Integrations keeps no tenants table: any id is a tenant of its own."""
    return uuid.uuid4()


def conversation(conversation_id: uuid.UUID | None = None) -> cpb.Conversation:
    return cpb.Conversation(
        id=str(conversation_id or uuid.uuid4()), channel_id=str(uuid.uuid4()),
        channel=common.CHANNEL_KIND_AVITO, external_chat_id="chat-1",
        status=cpb.CONVERSATION_STATUS_OPEN, mode=cpb.CONVERSATION_MODE_BOT,
        contact=cpb.Contact(id=str(uuid.uuid4()), external_user_id="u1", name="Лев"))


def message_received(conv: cpb.Conversation, text: str) -> cev.MessageReceived:
    return cev.MessageReceived(conversation=conv, message=cpb.Message(
        id=str(uuid.uuid4()), conversation_id=conv.id, direction=common.DIRECTION_INBOUND,
        sender=cpb.SENDER_KIND_CONTACT, content_type="text", text=text,
        status=cpb.MESSAGE_STATUS_RECEIVED))


Publish = Callable[..., Awaitable[str]]


@pytest.fixture
def publish(bus: Bus) -> Publish:
    """Publish an event as conversations' relay would; returns its id (the Nats-Msg-Id)."""

    async def send(tenant_id: uuid.UUID, event: Any,
                   topic: Any = topics.MESSAGE_RECEIVED) -> str:
        msg_id = str(uuid.uuid4())
        await bus.publish_event(topic, tenant_id, event, msg_id=msg_id)
        return msg_id

    return send

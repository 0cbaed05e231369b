"""Fixtures for the channels tests: the Avito emulator over real HTTP, a stand-in for the
gateway's webhook endpoint, and the channels runtime.

The runtime gets a database of its own (in the session's PostgreSQL server) and a nats-server
of its own: the session platform (tests/fixtures/platform.py) runs a channels runtime too,
with the same durable consumers and the same outbox table, and would otherwise take part of
this module's work under its own retry settings.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from clients.rpc.analytics import AnalyticsClient
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from services.analytics.avito.wiring import AnalyticsRuntime
from services.analytics.config import AnalyticsSettings
from services.analytics.runtime import build_runtime as build_runtime_of_analytics
from services.channels.config import ChannelsSettings
from services.channels.runtime import build_runtime
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.runtime import ServiceRuntime
from switchboard.credentials import Credentials
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.emulators.avito import AvitoEmulatorSettings, create_app
from switchboard.http_server import BackgroundServer
from tests.fixtures.bus import admin_bus, as_component, provisioned


async def eventually(check: Callable[[], Awaitable[Any]], within_s: float = 10) -> Any:
    """Poll `check` until it returns something truthy, or fail after `within_s` seconds."""
    async with asyncio.timeout(within_s):
        while True:
            if result := await check():
                return result
            await asyncio.sleep(0.02)


@dataclass
class Avito:
    """The emulator's control API."""

    url: str
    http: httpx.AsyncClient

    async def account(self, **spec: Any) -> dict[str, Any]:
        return await self._ok("POST", "/_emulator/accounts", json=spec)

    async def incoming(self, user_id: int, **spec: Any) -> dict[str, Any]:
        return await self._ok("POST", f"/_emulator/accounts/{user_id}/incoming", json=spec)

    async def sent(self, user_id: int) -> list[dict[str, Any]]:
        return list((await self._ok("GET", f"/_emulator/accounts/{user_id}/sent"))["sent"])

    async def fault(self, endpoint: str, status: int, count: int = 1) -> None:
        await self._ok("POST", "/_emulator/faults",
                       json={"endpoint": endpoint, "status": status, "count": count})

    async def latency(self, endpoint: str, latency_ms: int, count: int = 1,
                      chat_id: str | None = None) -> None:
        """Hold the next `count` calls (about `chat_id` only, if given) for `latency_ms`."""
        await self._ok("POST", "/_emulator/faults", json={
            "endpoint": endpoint, "latency_ms": latency_ms, "count": count, "chat_id": chat_id})

    async def clear_faults(self) -> None:
        await self._ok("DELETE", "/_emulator/faults")

    async def _ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()


@dataclass
class WebhookSink:
    """Stands in for the gateway's webhook endpoint: records what Avito delivers."""

    url: str = ""
    calls: list[tuple[str, str, bytes]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhooks/avito/{channel_id}/{token}")
        async def hook(channel_id: str, token: str, request: Request) -> Response:
            self.calls.append((channel_id, token, await request.body()))
            return Response(status_code=200)

        return app

    async def wait_for(self, predicate: Callable[[bytes], bool]) -> tuple[str, str, bytes]:
        async def found() -> tuple[str, str, bytes] | None:
            return next((c for c in self.calls if predicate(c[2])), None)
        return await eventually(found)  # type: ignore[no-any-return]


class Listener:
    """Core NATS subscription collecting messages (JetStream publishes reach it too)."""

    def __init__(self) -> None:
        self.messages: list[Msg] = []
        self.nc: NATS | None = None
        self.sub: Subscription | None = None

    async def cb(self, msg: Msg) -> None:
        self.messages.append(msg)

    async def wait(self, count: int = 1, within_s: float = 10) -> list[Msg]:
        async def arrived() -> list[Msg] | None:
            return self.messages if len(self.messages) >= count else None
        return await eventually(arrived, within_s)  # type: ignore[no-any-return]

    async def settled(self) -> None:
        """Everything the server routed to this subscription until now is in `messages`: a
        PING round trip on the connection (the server answers after what it queued for us),
        then the subscription's queue empty (each message's `cb` ran as it left it). What a
        JetStream publish acked before now was routed to us before that ack."""
        assert self.nc is not None and self.sub is not None
        await self.nc.flush()
        sub = self.sub

        async def handed_over() -> bool:
            return not sub.pending_msgs
        await eventually(handed_over)


@pytest.fixture(scope="module")
async def stack_db_url(postgres: EmbeddedPostgres) -> str:
    """A migrated database of this module's own (runtime role URL)."""
    name = f"channels_{uuid.uuid4().hex[:8]}"
    await ensure_database(postgres.url(), name)
    await migrate_database(postgres.url(name))
    return runtime_url(postgres.url(name))


@pytest.fixture(scope="module")
async def stack_db(stack_db_url: str) -> AsyncIterator[Database]:
    database = Database(stack_db_url, pool_size=2)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
def stack_nats(tmp_path_factory: pytest.TempPathFactory,
               credentials: Credentials) -> Iterator[EmbeddedNats]:
    with EmbeddedNats(tmp_path_factory.mktemp("channels-nats"), credentials=credentials) as server:
        yield server


@pytest.fixture(scope="module")
async def stack_nats_url(stack_nats: EmbeddedNats) -> str:
    return await provisioned(stack_nats)


@pytest.fixture(scope="module")
async def stack_bus(stack_nats: EmbeddedNats, stack_nats_url: str) -> AsyncIterator[Bus]:
    connected = await admin_bus(stack_nats, "channels-tests")
    yield connected
    await connected.close()


@pytest.fixture
async def listen(stack_bus: Bus) -> AsyncIterator[Callable[[str], Awaitable[Listener]]]:
    subs = []

    async def subscribe(subject: str) -> Listener:
        listener = Listener()
        listener.nc = stack_bus.nc
        listener.sub = await stack_bus.nc.subscribe(subject, cb=listener.cb)
        subs.append(listener.sub)
        await stack_bus.nc.flush()
        return listener

    yield subscribe
    for sub in subs:
        await sub.unsubscribe()


@pytest.fixture(scope="module")
async def avito() -> AsyncIterator[Avito]:
    async with BackgroundServer(create_app(AvitoEmulatorSettings())) as server, \
            httpx.AsyncClient(base_url=server.url) as http:
        yield Avito(server.url, http)


@pytest.fixture(scope="module")
async def webhook_sink() -> AsyncIterator[WebhookSink]:
    sink = WebhookSink()
    async with BackgroundServer(sink.app()) as server:
        sink.url = server.url
        yield sink


@pytest.fixture(scope="module")
def channels_settings(settings: KernelSettings, credentials: Credentials, avito: Avito,
                      webhook_sink: WebhookSink, stack_db_url: str,
                      stack_nats_url: str) -> ChannelsSettings:
    return ChannelsSettings(**{
        **as_component(settings, credentials, "channels").model_dump(),
        "service_name": "channels-tests",
        "database_url": stack_db_url, "nats_url": stack_nats_url, "channels_target": "127.0.0.1:0",
        "avito_api_base_url": avito.url, "public_base_url": webhook_sink.url,
        "avito_max_attempts": 3, "avito_backoff_base_s": 0.05, "avito_backoff_max_s": 0.2,
        "send_max_deliveries": 3, "send_retry_backoff_s": [0.2],
        # No scheduling service here, and a SyncChannel runs no round by itself: tests drive
        # the rounds (runtime.sync.run_once), so a background backfill never races a test's
        # own webhooks.
        "sync_on_request": False})


@pytest.fixture(scope="module")
async def runtime(channels_settings: ChannelsSettings) -> AsyncIterator[ServiceRuntime]:
    built = await build_runtime(channels_settings)
    await built.start()
    yield built
    await built.stop(2)


@pytest.fixture(scope="module")
async def channels(runtime: ServiceRuntime,
                   settings: KernelSettings) -> AsyncIterator[ChannelsClient]:
    channel = open_channel(runtime.grpc.address)
    yield ChannelsClient(channel, settings.caller("gateway"))
    await channel.close()


@pytest.fixture(scope="module")
async def analytics(runtime: ServiceRuntime, settings: KernelSettings, credentials: Credentials,
                    stack_db_url: str, stack_nats_url: str) -> AsyncIterator[AnalyticsRuntime]:
    """The analytics runtime on this stack, calling this channels runtime (Avito statistics,
    account names)."""
    component = as_component(
        settings, credentials, "analytics", database_url=stack_db_url, nats_url=stack_nats_url,
        channels_target=runtime.grpc.address, analytics_target="127.0.0.1:0")
    # No cache of the account list: each report reads the accounts as they are (the cache
    # has its test). Refresh rounds run when a test asks (RunPlatformJob, as scheduling).
    built = await build_runtime_of_analytics(AnalyticsSettings(**{
        **component.model_dump(), "accounts_cache_s": 0}))
    assert isinstance(built, AnalyticsRuntime) and built.avito is not None
    await built.start()
    yield built
    await built.stop(1)


@pytest.fixture(scope="module")
async def reports(analytics: AnalyticsRuntime,
                  settings: KernelSettings) -> AsyncIterator[AnalyticsClient]:
    """RenderReport on the `analytics` runtime of the modules that define one."""
    client = AnalyticsClient(open_channel(analytics.grpc.address), settings.caller("gateway"))
    yield client
    await client.channel.close()


async def connect_avito(channels: ChannelsClient, avito: Avito, tenant_id: uuid.UUID,
                        **request: Any) -> tuple[channels_pb.Channel, dict[str, Any]]:
    """A fresh emulator account (one item) connected for `tenant_id`."""
    account = await avito.account(items=[{"title": "Диван угловой", "price": 15000}])
    channel = await channels.connect_avito_account(tenant_id, channels_pb.ConnectAvitoAccountRequest(
        name=request.pop("name", "Основной"), client_id=account["client_id"],
        client_secret=account["client_secret"], **request))
    return channel, account

"""The analytics service for this folder's modules: its real runtime (gRPC, consumers,
PostgreSQL) on a private nats-server and a private database per module — the session's
platform runs an analytics component of its own, whose durables would take these tests'
events on the session's NATS."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from clients.rpc.analytics import AnalyticsClient
from clients.rpc.base import open_channel
from services.analytics.runtime import build_runtime
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.runtime import ServiceRuntime
from switchboard.credentials import Credentials
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.postgres import EmbeddedPostgres
from tests.fixtures.bus import admin_bus, as_component, provisioned
from tests.fixtures.databases import private_database


@pytest.fixture(scope="module")
def own_nats_server(tmp_path_factory: pytest.TempPathFactory,
                    credentials: Credentials) -> Iterator[EmbeddedNats]:
    with EmbeddedNats(tmp_path_factory.mktemp("analytics-nats"),
                      credentials=credentials) as server:
        yield server


@pytest.fixture(scope="module")
async def own_nats(own_nats_server: EmbeddedNats) -> str:
    return await provisioned(own_nats_server)


@pytest.fixture(scope="module")
async def bus(own_nats_server: EmbeddedNats, own_nats: str) -> AsyncIterator[Bus]:
    connected = await admin_bus(own_nats_server, "analytics-tests")
    yield connected
    await connected.close()


@pytest.fixture(scope="module")
async def own_db_url(postgres: EmbeddedPostgres) -> str:
    return await private_database(postgres, "analytics")


@pytest.fixture(scope="module")
async def db(own_db_url: str) -> AsyncIterator[Database]:
    database = Database(own_db_url, pool_size=5)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
async def runtime(settings: KernelSettings, credentials: Credentials, own_nats: str,
                  own_db_url: str) -> AsyncIterator[ServiceRuntime]:
    rt = await build_runtime(as_component(settings, credentials, "analytics",
                                          nats_url=own_nats, database_url=own_db_url))
    await rt.start()
    yield rt
    await rt.stop(1)


@pytest.fixture(scope="module")
async def client(runtime: ServiceRuntime,
                 settings: KernelSettings) -> AsyncIterator[AnalyticsClient]:
    c = AnalyticsClient(open_channel(runtime.grpc.address), settings.caller("gateway"))
    yield c
    await c.channel.close()


@pytest.fixture
def tenant() -> uuid.UUID:
    """Analytics keeps no tenants table: any id is a tenant of its own."""
    return uuid.uuid4()

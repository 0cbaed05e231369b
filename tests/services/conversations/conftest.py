"""The conversations service for this folder's modules: its real runtime (gRPC, consumers,
PostgreSQL) on a private nats-server and a private database per module — the session's
platform runs a real channels sender that would otherwise answer these tests' made-up send
requests, and its conversations relay would publish this runtime's outbox rows to the
session's NATS (the tests would never see those events)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from services.conversations.runtime import build_runtime
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
    with EmbeddedNats(tmp_path_factory.mktemp("conversations-nats"),
                      credentials=credentials) as server:
        yield server


@pytest.fixture(scope="module")
async def own_nats(own_nats_server: EmbeddedNats) -> str:
    return await provisioned(own_nats_server)


@pytest.fixture(scope="module")
async def bus(own_nats_server: EmbeddedNats, own_nats: str) -> AsyncIterator[Bus]:
    connected = await admin_bus(own_nats_server, "conversations-tests")
    yield connected
    await connected.close()


@pytest.fixture(scope="module")
async def own_db_url(postgres: EmbeddedPostgres) -> str:
    return await private_database(postgres, "conversations")


@pytest.fixture(scope="module")
async def db(own_db_url: str) -> AsyncIterator[Database]:
    """This module's database (tenant_a and tenant_b are made in it too)."""
    database = Database(own_db_url, pool_size=5)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
async def runtime(settings: KernelSettings, credentials: Credentials, own_nats: str,
                  own_db_url: str) -> AsyncIterator[ServiceRuntime]:
    rt = await build_runtime(as_component(settings, credentials, "conversations",
                                          nats_url=own_nats, database_url=own_db_url))
    await rt.start()
    yield rt
    await rt.stop(1)


@pytest.fixture(scope="module")
async def client(runtime: ServiceRuntime,
                 settings: KernelSettings) -> AsyncIterator[ConversationsClient]:
    c = ConversationsClient(open_channel(runtime.grpc.address), settings.caller("gateway"))
    yield c
    await c.channel.close()

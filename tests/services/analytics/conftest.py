"""The analytics service for this folder's modules: its real runtime (gRPC, consumers,
PostgreSQL) on a private nats-server and a private database per module — the session's
platform runs an analytics component of its own, whose durables would take these tests'
events on the session's NATS."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from clients.rpc.analytics import AnalyticsClient
from clients.rpc.base import open_channel
from services.analytics.runtime import build_runtime
from services.kernel.config import KernelSettings
from services.kernel.runtime import ServiceRuntime
from tests.fixtures.private_stack import private_stack

own_nats_server, own_nats, bus, own_db_url, db, runtime = private_stack("analytics", build_runtime)


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

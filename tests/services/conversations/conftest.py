"""The conversations service for this folder's modules: its real runtime (gRPC, consumers,
PostgreSQL) on a private nats-server and a private database per module — the session's
platform runs a real channels sender that would otherwise answer these tests' made-up send
requests, and its conversations relay would publish this runtime's outbox rows to the
session's NATS (the tests would never see those events)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from services.conversations.runtime import build_runtime
from services.kernel.config import KernelSettings
from services.kernel.runtime import ServiceRuntime
from tests.fixtures.private_stack import private_stack

own_nats_server, own_nats, bus, own_db_url, db, runtime = private_stack("conversations", build_runtime)


@pytest.fixture(scope="module")
async def client(runtime: ServiceRuntime,
                 settings: KernelSettings) -> AsyncIterator[ConversationsClient]:
    c = ConversationsClient(open_channel(runtime.grpc.address), settings.caller("gateway"))
    yield c
    await c.channel.close()

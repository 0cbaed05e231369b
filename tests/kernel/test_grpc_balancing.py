"""Calls from one client channel spread over a service's replicas (round_robin over every
address the target resolves to), keep going when one replica stops, and a service refuses to
listen on a target that names replicas rather than an address."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from clients.rpc.base import open_channel
from services.kernel.runtime import listen_address


class CountingHealth(health.aio.HealthServicer):
    """A replica that counts the calls it answers."""

    def __init__(self, name: str, tally: Counter[str]) -> None:
        super().__init__()
        self.name, self.tally = name, tally

    async def Check(self, request: health_pb2.HealthCheckRequest,
                    context: grpc.aio.ServicerContext) -> health_pb2.HealthCheckResponse:
        self.tally[self.name] += 1
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)


@pytest.fixture
async def replicas() -> AsyncIterator[tuple[list[grpc.aio.Server], list[str], Counter[str]]]:
    tally: Counter[str] = Counter()
    servers, addresses = [], []
    for name in ("a", "b"):
        server = grpc.aio.server()
        health_pb2_grpc.add_HealthServicer_to_server(CountingHealth(name, tally), server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        servers.append(server)
        addresses.append(f"127.0.0.1:{port}")
    yield servers, addresses, tally
    for server in servers:
        await server.stop(None)


async def test_calls_reach_every_replica_and_survive_one_stopping(
        replicas: tuple[list[grpc.aio.Server], list[str], Counter[str]]) -> None:
    servers, addresses, tally = replicas
    channel = open_channel("ipv4:" + ",".join(addresses))
    stub = health_pb2_grpc.HealthStub(channel)
    try:
        for _ in range(20):
            await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
        # round_robin: alternating once both subchannels are ready (the first calls may all
        # go to the first one ready).
        assert tally["a"] >= 5 and tally["b"] >= 5, tally

        await servers[1].stop(None)
        before = tally["a"]
        for _ in range(10):  # none fails: the stopped replica is left out
            await stub.Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert tally["a"] == before + 10, tally
    finally:
        await channel.close()


def test_a_service_listens_on_its_target_only_when_that_is_one_address() -> None:
    assert listen_address("127.0.0.1:50061", "") == "127.0.0.1:50061"
    assert listen_address("dns:///sb-conversations-grpc:50061", "0.0.0.0:50061") == \
        "0.0.0.0:50061"
    for target in ("dns:///sb-conversations-grpc:50061", "ipv4:127.0.0.1:1,127.0.0.1:2"):
        with pytest.raises(ValueError, match="SWITCHBOARD_GRPC_LISTEN"):
            listen_address(target, "")

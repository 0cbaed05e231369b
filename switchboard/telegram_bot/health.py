"""gRPC health for a component that serves no gRPC service (the bot runner): the same probes as
every service's (Kubernetes' native gRPC probes, the process platform's readiness), plaintext,
saying nothing but SERVING / NOT_SERVING."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from services.kernel.config import KernelSettings


class HealthServer:
    """Listens on SWITCHBOARD_GRPC_LISTEN (the component's port) and, when set,
    SWITCHBOARD_GRPC_HEALTH_LISTEN (where probes go when the services speak TLS); on a free
    loopback port when neither is set (`serve all`, where the gateway's /readyz stands for the
    process)."""

    def __init__(self, settings: KernelSettings) -> None:
        self._server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self._server)
        addresses = [a for a in (settings.grpc_listen, settings.grpc_health_listen) if a] \
            or ["127.0.0.1:0"]
        self.ports = [self._bind(address) for address in addresses]
        self.address = f"{addresses[0].rsplit(':', 1)[0]}:{self.ports[0]}"

    def _bind(self, address: str) -> int:
        port = int(self._server.add_insecure_port(address))
        if port == 0:
            raise RuntimeError(f"cannot bind the gRPC health server to {address}")
        return port

    async def start(self) -> None:
        """Listening, NOT_SERVING until `serving()`."""
        await self.health.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
        await self._server.start()

    async def serving(self) -> None:
        await self.health.set("", health_pb2.HealthCheckResponse.SERVING)

    async def draining(self) -> None:
        await self.health.enter_graceful_shutdown()

    async def stop(self) -> None:
        await self._server.stop(0)

"""gRPC server bootstrap: asyncio server, kernel interceptors (the callers it accepts), TLS,
health, reflection, graceful stop."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.kernel.config import KernelSettings
from services.kernel.interceptors import CallerPolicy, kernel_interceptors
from services.kernel.tls import grpc_server_credentials
from services.kernel.wire import MESSAGE_SIZE_OPTIONS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceBinding:
    """One gRPC service to serve: its registration function, servicer and full name."""

    register: Callable[[Any, grpc.aio.Server], None]
    servicer: Any
    full_name: str  # e.g. "switchboard.channels.v1.ChannelsService"


class GrpcServer:
    """`accepts`: the callers this service serves (its row of clients/rpc/permissions.CALLERS),
    `own`: those of them held to RPCs of their own (full method names, which no other caller
    may make but the `shared` ones); their tokens' digests, the TLS certificate and a
    plaintext health port come from `settings`."""

    def __init__(self, bindings: Sequence[ServiceBinding], *, settings: KernelSettings,
                 accepts: Iterable[str], address: str = "127.0.0.1:0",
                 tenantless: frozenset[str] = frozenset(),
                 own: Mapping[str, Iterable[str]] | None = None,
                 shared: Iterable[str] = (),
                 max_workers_hint: int = 100) -> None:
        callers = CallerPolicy.parse(settings.grpc_callers, accepts, own, shared)
        self._server = grpc.aio.server(
            interceptors=kernel_interceptors(callers, tenantless),
            maximum_concurrent_rpcs=max_workers_hint * 10,
            options=[("grpc.so_reuseport", 0), *MESSAGE_SIZE_OPTIONS,
                     *_connection_age(settings.grpc_max_connection_age_s)])
        self.health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self._server)
        for b in bindings:
            b.register(b.servicer, self._server)
        self._names = [b.full_name for b in bindings]
        reflection.enable_server_reflection(
            [*self._names, health.SERVICE_NAME, reflection.SERVICE_NAME], self._server)
        tls = grpc_server_credentials(settings)
        self.port = self._server.add_secure_port(address, tls) if tls is not None \
            else self._server.add_insecure_port(address)
        if self.port == 0:
            raise RuntimeError(f"cannot bind gRPC server to {address}")
        self.address = f"{address.rsplit(':', 1)[0]}:{self.port}"
        self.tls = tls is not None
        self._health_only = self._health_server(settings.grpc_health_listen)

    def _health_server(self, address: str) -> grpc.aio.Server | None:
        """Health alone, in plaintext, for probes that speak no TLS (Kubernetes' gRPC probes);
        it says nothing but SERVING / NOT_SERVING."""
        if not address:
            return None
        server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        if server.add_insecure_port(address) == 0:
            raise RuntimeError(f"cannot bind the gRPC health server to {address}")
        return server

    async def start(self) -> None:
        await self._server.start()
        if self._health_only is not None:
            await self._health_only.start()
        for name in ["", *self._names]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info("gRPC server listening", extra={"address": self.address, "services": self._names,
                                                 "tls": self.tls})

    async def stop(self, grace_s: float = 10) -> None:
        """SIGTERM path: report NOT_SERVING first so balancers stop routing, then drain."""
        await self.health.enter_graceful_shutdown()
        await self._server.stop(grace_s)
        if self._health_only is not None:
            await self._health_only.stop(0)

    async def wait_for_termination(self) -> None:
        await self._server.wait_for_termination()


def _connection_age(seconds: float) -> list[tuple[str, int]]:
    """Connections recycled after `seconds` (jittered by gRPC itself), so clients re-resolve
    and spread over new replicas; in-flight calls get a grace period."""
    if seconds <= 0:
        return []
    return [("grpc.max_connection_age_ms", int(seconds * 1000)),
            ("grpc.max_connection_age_grace_ms", 30_000)]

"""A service process: its gRPC server, outbox relays and bus consumers, started and stopped
together. `serve <name>` runs one runtime; `serve all` runs every runtime in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import start_http_server

from services.kernel.bus import Bus, ConsumerSpec, run_consumers
from services.kernel.db import Database
from services.kernel.grpc_server import GrpcServer
from services.kernel.outbox import OutboxRelay

log = logging.getLogger(__name__)


@dataclass
class ServiceRuntime:
    name: str
    db: Database
    bus: Bus
    grpc: GrpcServer
    relays: list[OutboxRelay] = field(default_factory=list)
    consumers: list[ConsumerSpec] = field(default_factory=list)
    # Extra long-running loops the service owns (e.g. schedulers); each gets the stop event.
    loops: list[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        await self.grpc.start()
        self._tasks = [asyncio.create_task(r.run(), name=f"{self.name}:relay") for r in self.relays]
        if self.consumers:
            self._tasks.append(asyncio.create_task(
                run_consumers(self.bus, self.consumers, self._stop), name=f"{self.name}:consumers"))
        self._tasks += [asyncio.create_task(loop(self._stop), name=f"{self.name}:loop")
                        for loop in self.loops]
        log.info("service started", extra={"service": self.name, "grpc": self.grpc.address})

    async def stop(self, grace_s: float = 10) -> None:
        """Stop taking RPCs (health first), finish in-flight work, then close connections."""
        await self.grpc.stop(grace_s)
        self._stop.set()
        for relay in self.relays:
            relay.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), grace_s)
        for task in self._tasks:
            task.cancel()
        await self.bus.close()
        await self.db.dispose()
        log.info("service stopped", extra={"service": self.name})


def listen_address(target: str, override: str) -> str:
    """The address a service binds: the override (a pod's 0.0.0.0:port) or its own target."""
    return override or target


async def wait_for_shutdown_signal() -> None:
    """Block until SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def serve_metrics(port: int) -> None:
    if port:
        start_http_server(port)

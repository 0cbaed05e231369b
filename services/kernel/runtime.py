"""A service process: its gRPC server, outbox relays and bus consumers, started and stopped
together. `python -m services.<name>` runs one through `run_service`; the composition root
(`switchboard serve`, the dev stack, the bench) starts several in one process."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from prometheus_client import start_http_server

from services.kernel.bus import Bus, ConsumerSpec, run_consumers
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.grpc_server import GrpcServer
from services.kernel.logging import configure_logging
from services.kernel.outbox import OutboxRelay
from services.kernel.telemetry import configure_tracing
from services.kernel.wire import Stream

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
    _closed: bool = False

    async def start(self) -> None:
        await self.grpc.start()
        self._tasks = [asyncio.create_task(r.run(), name=f"{self.name}:relay") for r in self.relays]
        if self.consumers:
            self._tasks.append(asyncio.create_task(
                run_consumers(self.bus, self.consumers, self._stop), name=f"{self.name}:consumers"))
        self._tasks += [asyncio.create_task(loop(self._stop), name=f"{self.name}:loop")
                        for loop in self.loops]
        log.info("service started", extra={"service": self.name, "grpc": self.grpc.address})

    async def quiesce(self, grace_s: float = 10) -> None:
        """Phase one of stopping: health says NOT_SERVING; consumers finish the message they
        hold, loops (schedulers) their pass, relays their batch; then they stop. Consumers and
        loops call other components' gRPC servers, so a process composing several quiesces
        them all before it closes any (`switchboard/platform.py`); this component's own
        server still answers meanwhile (an event its RPCs write now waits in the outbox for
        the next relay). Idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        await self.grpc.health.enter_graceful_shutdown()
        for relay in self.relays:
            relay.stop()
        await finish_tasks(self._tasks, grace_s)

    async def close(self, grace_s: float = 10) -> None:
        """Phase two: drain in-flight RPCs, then close the connections. Call it once whatever
        calls this component has quiesced. Idempotent."""
        if self._closed:
            return
        self._closed = True
        await self.quiesce(grace_s)  # a no-op when already done
        await self.grpc.stop(grace_s)
        await self.bus.close()
        await self.db.dispose()
        log.info("service stopped", extra={"service": self.name})

    async def stop(self, grace_s: float = 10) -> None:
        """Both phases, for a process running this component alone."""
        await self.quiesce(grace_s)
        await self.close(grace_s)


async def finish_tasks(tasks: list[asyncio.Task[None]], grace_s: float) -> None:
    """Wait up to `grace_s` for `tasks` to end by themselves, then cancel what is left (the
    composition root's runtimes without a gRPC service stop theirs with it too)."""
    if not tasks:
        return
    _, late = await asyncio.wait(tasks, timeout=grace_s)
    for task in late:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            # One line: shutdown is no time for tracebacks (the error was logged when it arose
            # if it was worth one).
            log.warning("service task ended with an error", extra={
                "task": task.get_name(), "error": repr(task.exception())})


S = TypeVar("S", bound=KernelSettings)


async def connect(settings: KernelSettings, streams: Iterable[Stream],
                  component: str) -> tuple[Database, Bus]:
    """The process's database pool and its bus connection as `component`'s NATS user, once
    the streams it uses are there (`switchboard streams` makes them, not the components)."""
    db = Database(settings.database_url, pool_size=settings.database_pool_size)
    bus = await Bus.connect_as(settings, component)
    try:
        await bus.require_streams(streams)
    except BaseException:
        await bus.close()
        raise
    return db, bus


def run_service(settings: S, build: Callable[[S], Awaitable[ServiceRuntime]]) -> None:
    """`python -m services.<name>`: one service in its own process (as in its own pod), until
    SIGTERM or SIGINT, then drained and stopped."""

    async def serve() -> None:
        configure_logging(settings.log_level, json=settings.log_json)
        configure_tracing(f"switchboard-{settings.service_name}")
        runtime = await build(settings)
        await runtime.start()
        serve_metrics(settings.metrics_port)
        await wait_for_shutdown_signal()
        await runtime.stop(settings.shutdown_grace_s)

    asyncio.run(serve())


def listen_address(target: str, override: str) -> str:
    """The address a service binds: the override (a pod's 0.0.0.0:port) or its own target,
    when that is one host:port (not a name resolving to replicas, `dns:///...`, `ipv4:a,b`)."""
    if override:
        return override
    if ":/" in target or target.startswith(("dns:", "ipv4:", "ipv6:", "unix:")):
        raise ValueError(f"the target {target!r} names the service's replicas, not an address "
                         "to listen on: set SWITCHBOARD_GRPC_LISTEN (e.g. 0.0.0.0:50061)")
    return target


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

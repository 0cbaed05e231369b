"""Compose components into one process: `serve all`, `serve <name>`, the dev stack, the bench,
the tests — all from the components table (`components.py`).

Same code, different composition: every service still talks gRPC over loopback and NATS,
exactly as it does when each runs in its own pod.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from gateway.app import begin_shutdown, create_app
from gateway.config import GatewaySettings
from gateway.http_metrics import metrics_app
from services.kernel.config import KernelSettings
from services.kernel.logging import configure_logging
from services.kernel.runtime import serve_metrics, wait_for_shutdown_signal
from services.kernel.telemetry import configure_tracing
from switchboard.components import BY_NAME, COMPONENTS, TABLE
from switchboard.eventloop import tune_garbage_collector
from switchboard.http_server import BackgroundServer

log = logging.getLogger(__name__)


class Runtime(Protocol):
    async def start(self) -> None: ...

    async def stop(self, grace_s: float = 10) -> None: ...


class ComponentRuntime(Runtime, Protocol):
    """A component but the gateway: a service's `ServiceRuntime`, or a worker's (the bot
    runner's) that stops in the same two phases."""

    async def quiesce(self, grace_s: float = 10) -> None: ...

    async def close(self, grace_s: float = 10) -> None: ...


class GatewayRuntime:
    """The gateway's HTTP server in this process's event loop."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.server = BackgroundServer(
            create_app(settings), host=settings.http_host, port=settings.http_port,
            header_timeout_s=settings.http_header_timeout_s,
            max_header_bytes=settings.http_max_header_bytes,
            timeout_keep_alive=settings.http_keep_alive_s, reuse_port=settings.http_reuse_port)
        # /metrics on a port of its own: the public one (the Ingress routes it) never has it.
        self.metrics = BackgroundServer(metrics_app(), host=settings.http_host,
                                        port=settings.metrics_port) \
            if settings.metrics_port else None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def app(self) -> Any:
        """The gateway's ASGI app (tests reach its state)."""
        return self.server.app

    async def start(self) -> None:
        if self.metrics is not None:
            await self.metrics.start()
        await self.server.start()

    async def stop(self, grace_s: float = 10) -> None:
        # Live streams (SSE, WebSockets) end first, each telling its client to reconnect:
        # uvicorn waits for open responses before the app's lifespan exit could end them.
        begin_shutdown(self.app)
        await self.server.stop()
        if self.metrics is not None:
            await self.metrics.stop()


async def build_gateway(settings: GatewaySettings) -> GatewayRuntime:
    return GatewayRuntime(settings)


@dataclass
class Platform:
    """Running components, stopped in an order where nothing calls what already stopped."""

    runtimes: dict[str, ComponentRuntime] = field(default_factory=dict)
    gateway: GatewayRuntime | None = None

    @property
    def gateway_url(self) -> str:
        assert self.gateway is not None, "the gateway is not part of this platform"
        return self.gateway.url

    async def stop(self, grace_s: float = 10) -> None:
        """The gateway's own clients first (the bot runner, after it in the table: what it
        has in hand still reaches the API); then the gateway (no new requests, in-flight ones
        finish); then every component's consumers and schedulers (`quiesce`), which call the
        others' gRPC servers; only then those servers, the relays and the connections
        (`close`)."""
        clients = [rt for name, rt in self.runtimes.items() if _calls_the_gateway(name)]
        await _each("quiesce", [rt.quiesce(grace_s) for rt in clients])
        if self.gateway is not None:
            await self.gateway.stop(grace_s)
        runtimes = list(self.runtimes.values())
        await _each("quiesce", [rt.quiesce(grace_s) for rt in runtimes])
        await _each("close", [rt.close(grace_s) for rt in runtimes])


def _calls_the_gateway(name: str) -> bool:
    """Started after the gateway (the table's order): a client of its public API."""
    order = [c.name for c in TABLE]
    return "gateway" in order and order.index(name) > order.index("gateway")


async def _each(phase: str, steps: list[Coroutine[Any, Any, None]]) -> None:
    """Run one stopping phase of every component; a failure is one line, not a traceback."""
    for outcome in await asyncio.gather(*steps, return_exceptions=True):
        if isinstance(outcome, Exception):
            log.warning("stopping a component failed", extra={"phase": phase,
                                                              "error": repr(outcome)})


def component_env(name: str, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`SWITCHBOARD_<COMPONENT>__<SETTING>`: one component's own value of a setting in a process
    composing several (each component's NATS password and gRPC token in `serve all`)."""
    prefix = f"SWITCHBOARD_{name.upper()}__"
    return {key.removeprefix(prefix).lower(): value for key, value in environ.items()
            if key.startswith(prefix)}


async def start_platform(components: tuple[str, ...],
                         per_component: Mapping[str, Mapping[str, Any]] | None = None,
                         **overrides: Any) -> Platform:
    """Start the named components, in the table's order. Settings come from env, then
    `overrides`, then each component's own (`component_env`, then `per_component[identity]`:
    its credentials) on top; a service bound to port 0 (tests) tells the later ones where it is."""
    unknown = set(components) - set(BY_NAME)
    if unknown:
        raise ValueError(f"unknown component(s) {sorted(unknown)}; choose from {COMPONENTS}")
    platform = Platform()
    try:
        for component in TABLE:
            if component.name not in components:
                continue
            own = {**component_env(component.identity),
                   **(per_component or {}).get(component.identity, {})}
            settings = component.settings_class()(
                **{"service_name": component.name, **overrides, **own})
            runtime = await component.builder()(settings)
            await runtime.start()
            if isinstance(runtime, GatewayRuntime):
                platform.gateway = runtime
            else:
                platform.runtimes[component.name] = runtime
            if component.target:
                overrides = {**overrides, component.target: runtime.grpc.address}
    except BaseException:
        with contextlib.suppress(Exception):
            await platform.stop(1)
        raise
    return platform


async def serve_forever(components: tuple[str, ...],
                        slot: tuple[int, int] | None = None) -> None:
    """`switchboard serve <component>|all`: run until SIGTERM, then drain and stop. `slot`
    (index, count): this process is one of `serve all --workers`'s (switchboard/workers.py)."""
    settings = KernelSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    configure_tracing("switchboard-" + ("all" if len(components) > 1 else components[0]))
    overrides: dict[str, Any] = {}
    if slot is not None:
        components, overrides = worker_composition(components, slot, settings)
    platform = await start_platform(components, **overrides)
    tune_garbage_collector()
    if "gateway" not in components:
        serve_metrics(settings.metrics_port)  # else the gateway serves it on that port
    await wait_for_shutdown_signal()
    await platform.stop(settings.shutdown_grace_s)


def worker_composition(components: tuple[str, ...], slot: tuple[int, int],
                       settings: KernelSettings) -> tuple[tuple[str, ...], dict[str, Any]]:
    """One worker of several on a machine: its services on loopback ports of its own (its
    gateway calls them), the public port shared, /metrics on the configured port + its index,
    and the components serving no API (the bot runner) in worker 0 only."""
    index, _ = slot
    if index > 0:
        components = tuple(c for c in components if BY_NAME[c].target or c == "gateway")
    overrides: dict[str, Any] = {c.target: "127.0.0.1:0" for c in TABLE if c.target}
    overrides["http_reuse_port"] = True
    overrides["metrics_port"] = settings.metrics_port + index if settings.metrics_port else 0
    return components, overrides

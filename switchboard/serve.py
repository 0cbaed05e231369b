"""Compose components into one process: `serve all`, `serve <name>`, the dev stack, the tests.

Same code, different composition: every service still talks gRPC over loopback and NATS,
exactly as it does when each runs in its own pod.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from gateway.app import create_app
from gateway.config import GatewaySettings
from services.agent.config import AgentSettings
from services.agent.runtime import build_runtime as build_agent
from services.channels.config import ChannelsSettings
from services.channels.runtime import build_runtime as build_channels
from services.conversations.runtime import build_runtime as build_conversations
from services.kernel.config import KernelSettings
from services.kernel.runtime import ServiceRuntime
from switchboard.components import COMPONENTS
from switchboard.devstack.http import BackgroundServer

log = logging.getLogger(__name__)



@dataclass
class Platform:
    """Running components; `stop()` takes them down gateway first, like a rolling drain."""

    runtimes: dict[str, ServiceRuntime] = field(default_factory=dict)
    gateway: BackgroundServer | None = None

    @property
    def gateway_url(self) -> str:
        assert self.gateway is not None, "the gateway is not part of this platform"
        return self.gateway.url

    async def stop(self, grace_s: float = 10) -> None:
        if self.gateway is not None:
            await self.gateway.stop()
        await asyncio.gather(*(rt.stop(grace_s) for rt in self.runtimes.values()),
                             return_exceptions=True)


async def start_platform(components: tuple[str, ...], **overrides: Any) -> Platform:
    """Start the named components. Settings come from env, then `overrides` on top.

    Services start first; a service bound to port 0 (tests) tells the gateway where it is.
    """
    unknown = set(components) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown component(s) {sorted(unknown)}; choose from {COMPONENTS}")
    platform = Platform()
    try:
        if "conversations" in components:
            rt = await build_conversations(KernelSettings(**{"service_name": "conversations", **overrides}))
            await rt.start()
            platform.runtimes["conversations"] = rt
            overrides = {**overrides, "conversations_target": rt.grpc.address}
        if "channels" in components:
            rt = await build_channels(ChannelsSettings(**overrides))
            await rt.start()
            platform.runtimes["channels"] = rt
            overrides = {**overrides, "channels_target": rt.grpc.address}
        if "agent" in components:
            rt = await build_agent(AgentSettings(**{"service_name": "agent", **overrides}))
            await rt.start()
            platform.runtimes["agent"] = rt
            overrides = {**overrides, "agent_target": rt.grpc.address}
        if "gateway" in components:
            settings = GatewaySettings(**{"service_name": "gateway", **overrides})
            platform.gateway = BackgroundServer(
                create_app(settings), host=settings.http_host, port=settings.http_port)
            await platform.gateway.start()
    except BaseException:
        with contextlib.suppress(Exception):
            await platform.stop(1)
        raise
    return platform

"""The composition root's table: every component of the platform, its settings and how its
runtime is built. `switchboard serve`, the dev stack, the bench and the image (whose command is
`switchboard serve <component>`) all start components from here, and the chart runs the same
names (a test holds them equal).

Entries name their settings class and builder as "module:attribute", imported only when the
component is started, so the CLI starts fast whatever it runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Component:
    name: str
    settings: str  # "module:Class", a KernelSettings subclass read from SWITCHBOARD_* env
    build: str  # "module:function": async (settings) -> a runtime with start() and stop(grace_s)
    # The KernelSettings field the others reach this component's gRPC server by ("" if none).
    target: str = ""

    @property
    def identity(self) -> str:
        """Who it is on the bus and towards the services (its NATS user and gRPC caller in
        clients/rpc/permissions.py, its credentials, its SWITCHBOARD_<IDENTITY>__ env): the
        name with underscores, as Kubernetes names (the CLI's and the chart's) take no
        underscore and those take no dash."""
        return self.name.replace("-", "_")

    def settings_class(self) -> Any:
        return _resolve(self.settings)

    def builder(self) -> Any:
        return _resolve(self.build)


# In start order: a component starts after those it calls (the gateway calls them all; the
# bot runner calls channels and, as a third party does, the gateway's public API).
TABLE = (
    Component("conversations", "services.conversations.config:ConversationsSettings",
              "services.conversations.runtime:build_runtime", "conversations_target"),
    Component("channels", "services.channels.config:ChannelsSettings",
              "services.channels.runtime:build_runtime", "channels_target"),
    Component("agent", "services.agent.config:AgentSettings",
              "services.agent.runtime:build_runtime", "agent_target"),
    Component("analytics", "services.analytics.config:AnalyticsSettings",
              "services.analytics.runtime:build_runtime", "analytics_target"),
    Component("scheduling", "services.scheduling.config:SchedulingSettings",
              "services.scheduling.runtime:build_runtime", "scheduling_target"),
    Component("integrations", "services.integrations.config:IntegrationsSettings",
              "services.integrations.runtime:build_runtime", "integrations_target"),
    Component("gateway", "gateway.config:GatewaySettings", "switchboard.platform:build_gateway"),
    Component("telegram-bot", "switchboard.telegram_bot.config:TelegramBotSettings",
              "switchboard.telegram_bot.runtime:build_runtime"),
)

BY_NAME = {c.name: c for c in TABLE}
# The gRPC services (the others reach them by their target).
SERVICES = tuple(c.name for c in TABLE if c.target)
# Everything `serve all` runs: the services, the gateway, and the workers that serve no gRPC
# (the bot runner), in the table's order.
COMPONENTS = tuple(c.name for c in TABLE)


def _resolve(reference: str) -> Any:
    module, attribute = reference.split(":")
    return getattr(importlib.import_module(module), attribute)

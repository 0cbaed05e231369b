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

    def settings_class(self) -> Any:
        return _resolve(self.settings)

    def builder(self) -> Any:
        return _resolve(self.build)


# In start order: a component starts after those it calls (the gateway calls them all).
TABLE = (
    Component("conversations", "services.conversations.config:ConversationsSettings",
              "services.conversations.runtime:build_runtime", "conversations_target"),
    Component("channels", "services.channels.config:ChannelsSettings",
              "services.channels.runtime:build_runtime", "channels_target"),
    Component("agent", "services.agent.config:AgentSettings",
              "services.agent.runtime:build_runtime", "agent_target"),
    Component("gateway", "gateway.config:GatewaySettings", "switchboard.platform:build_gateway"),
)

BY_NAME = {c.name: c for c in TABLE}
SERVICES = tuple(c.name for c in TABLE if c.target)
COMPONENTS = ("gateway", *SERVICES)


def _resolve(reference: str) -> Any:
    module, attribute = reference.split(":")
    return getattr(importlib.import_module(module), attribute)

"""What the gateway holds for its lifetime: connections and clients, built in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from clients.rpc.agent import AgentClient
from clients.rpc.channels import ChannelsClient
from clients.rpc.conversations import ConversationsClient
from clients.rpc.knowledge import KnowledgeClient
from gateway.config import GatewaySettings
from gateway.identity.service import IdentityService
from services.kernel.bus import Bus
from services.kernel.db import Database


@dataclass
class GatewayState:
    settings: GatewaySettings
    db: Database
    bus: Bus
    identity: IdentityService
    conversations: ConversationsClient
    channels: ChannelsClient
    agent: AgentClient
    knowledge: KnowledgeClient


def get_state(request: Request) -> GatewayState:
    state: GatewayState = request.app.state.gateway
    return state

"""Liveness (/healthz) and readiness (/readyz: database, NATS, and every gRPC service the gateway
calls: conversations, channels, the agent and the knowledge service it hosts). Metrics are not
on this (public) port: `http_metrics.metrics_app` on SWITCHBOARD_METRICS_PORT."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy.exc import SQLAlchemyError

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2, knowledge_service_pb2
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2
from gateway.errors import problem
from gateway.state import GatewayState, State

router = APIRouter(include_in_schema=False)

CHECK_TIMEOUT_S = 2.0
# gRPC health is asked per service name: the agent's process serves two services on one port.
SERVICE_NAMES = {
    "conversations": conversations_service_pb2.DESCRIPTOR.services_by_name[
        "ConversationsService"].full_name,
    "channels": channels_service_pb2.DESCRIPTOR.services_by_name["ChannelsService"].full_name,
    "agent": agent_service_pb2.DESCRIPTOR.services_by_name["AgentService"].full_name,
    "knowledge": knowledge_service_pb2.DESCRIPTOR.services_by_name["KnowledgeService"].full_name,
    "analytics": analytics_service_pb2.DESCRIPTOR.services_by_name["AnalyticsService"].full_name,
}


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: State) -> Response:
    clients: dict[str, ServiceClient] = {
        "conversations": state.conversations, "channels": state.channels,
        "agent": state.agent, "knowledge": state.knowledge, "analytics": state.analytics}
    database, *services = await asyncio.gather(
        _database_ok(state), *(_serving(client, SERVICE_NAMES[name])
                               for name, client in clients.items()))
    checks = {"database": database, "nats": state.bus.nc.is_connected,
              **dict(zip(clients, services, strict=True))}
    if all(checks.values()):
        return Response('{"status":"ready"}', media_type="application/json")
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    return problem(503, f"not ready: {failing}", checks=checks)


async def _database_ok(state: GatewayState) -> bool:
    try:
        return await asyncio.wait_for(state.db.ping(), CHECK_TIMEOUT_S)
    except (SQLAlchemyError, OSError, TimeoutError):
        return False


async def _serving(client: ServiceClient, service: str) -> bool:
    stub = health_pb2_grpc.HealthStub(client.channel)
    request = health_pb2.HealthCheckRequest(service=service)
    try:
        reply = await stub.Check(request, timeout=CHECK_TIMEOUT_S)
    except Exception:
        return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

"""Liveness (/healthz), readiness (/readyz: database, NATS, services) and /metrics."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError

from gateway.errors import problem
from gateway.state import GatewayState, State

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: State) -> Response:
    checks = {"database": await _database_ok(state), "nats": state.bus.nc.is_connected,
              "services": await _services_ok(state)}
    if all(checks.values()):
        return Response('{"status":"ready"}', media_type="application/json")
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    return problem(503, f"not ready: {failing}", checks=checks)


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _database_ok(state: GatewayState) -> bool:
    try:
        return await asyncio.wait_for(state.db.ping(), 2)
    except (SQLAlchemyError, OSError, TimeoutError):
        return False


async def _services_ok(state: GatewayState) -> bool:
    for client in (state.conversations, state.channels):
        stub = health_pb2_grpc.HealthStub(client.channel)
        try:
            reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=2)
        except Exception:
            return False
        if reply.status != health_pb2.HealthCheckResponse.SERVING:
            return False
    return True

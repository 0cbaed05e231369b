"""Errors that tell the truth: a service's INTERNAL or UNKNOWN (a bug, retrying will not help) is
a 500 with a correlation id, in the body and in the gateway's log line; UNAVAILABLE and
DEADLINE_EXCEEDED stay 503. The gateway runs for real (HTTP, its gRPC clients) in front of a
gRPC server that answers every call with the status a test sets."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import httpx
import pytest

from clients.rpc.base import to_domain_error
from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.identity.service import IdentityService
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.errors import Internal, NotFound, Unavailable
from switchboard.credentials import Credentials
from switchboard.http_server import BackgroundServer

PROBLEM = "application/problem+json"


class Failing(grpc.GenericRpcHandler):
    """Every method of every service fails with `code` (what a crashed servicer answers)."""

    def __init__(self) -> None:
        self.code = grpc.StatusCode.INTERNAL
        self.calls = 0

    def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        async def fail(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
            self.calls += 1
            await context.abort(self.code, "KeyError: 'password' at db-7")
            raise AssertionError("abort raises")
        return grpc.unary_unary_rpc_method_handler(fail)


@dataclass
class Edge:
    http: httpx.AsyncClient
    failing: Failing


@pytest.fixture(scope="module")
async def edge(settings: KernelSettings, credentials: Credentials,
               db: Database) -> AsyncIterator[Edge]:
    failing = Failing()
    server = grpc.aio.server()
    server.add_generic_rpc_handlers([failing])
    target = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
    await server.start()
    gateway = GatewaySettings(**{**settings.model_dump(), **credentials.settings_for("gateway"),
                                 "conversations_target": target,
                                 "channels_target": target, "agent_target": target})
    created = await IdentityService(db, gateway).create_tenant(
        "Errors", f"owner-{uuid.uuid4().hex[:10]}@example.com", "password-123")
    try:
        async with BackgroundServer(create_app(gateway)) as srv, httpx.AsyncClient(
                base_url=srv.url, timeout=30,
                headers={"Authorization": f"Bearer {created.api_key}"}) as http:
            yield Edge(http, failing)
    finally:
        await server.stop(0)


def _logged(caplog: pytest.LogCaptureFixture, cid: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records
            if r.levelno >= logging.ERROR and getattr(r, "correlation_id", None) == cid]


@pytest.mark.parametrize("code", [grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN])
async def test_an_internal_error_of_a_service_is_a_500_with_a_correlation_id(
        edge: Edge, code: grpc.StatusCode, caplog: pytest.LogCaptureFixture) -> None:
    edge.failing.code = code
    resp = await edge.http.get("/v1/conversations")
    assert resp.status_code == 500, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    body = resp.json()
    cid = body["correlation_id"]
    assert len(cid) == 32 and cid in body["detail"]
    assert "password" not in resp.text and "db-7" not in resp.text  # the service's words stay in
    assert _logged(caplog, cid), "the failure is logged with the id the client was given"
    assert "retry-after" not in resp.headers


async def test_an_internal_error_in_graphql_has_its_code_and_a_correlation_id(
        edge: Edge, caplog: pytest.LogCaptureFixture) -> None:
    edge.failing.code = grpc.StatusCode.INTERNAL
    resp = await edge.http.post("/graphql", json={"query": "{ conversations { edges { node { id } } } }"})
    assert resp.status_code == 200, resp.text
    (error,) = resp.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR", error
    cid = error["extensions"]["correlationId"]
    assert cid and "password" not in resp.text
    assert _logged(caplog, cid)


@pytest.mark.parametrize("code", [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED])
async def test_a_service_that_is_down_or_slow_is_still_a_503(edge: Edge,
                                                             code: grpc.StatusCode) -> None:
    edge.failing.code = code
    resp = await edge.http.get("/v1/conversations")
    assert resp.status_code == 503, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)


class _RpcError(grpc.aio.AioRpcError):
    def __init__(self, code: grpc.StatusCode) -> None:
        super().__init__(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details="said inside")


@pytest.mark.parametrize(("code", "expected"), [
    (grpc.StatusCode.INTERNAL, Internal), (grpc.StatusCode.UNKNOWN, Internal),
    (grpc.StatusCode.UNIMPLEMENTED, Internal), (grpc.StatusCode.DATA_LOSS, Internal),
    (grpc.StatusCode.UNAVAILABLE, Unavailable), (grpc.StatusCode.DEADLINE_EXCEEDED, Unavailable),
    (grpc.StatusCode.ABORTED, Unavailable), (grpc.StatusCode.NOT_FOUND, NotFound),
])
def test_each_status_maps_to_the_error_it_means(code: grpc.StatusCode,
                                                expected: Callable[..., Any]) -> None:
    error = to_domain_error(_RpcError(code))
    assert type(error) is expected
    if expected is Internal:
        assert "said inside" not in error.message

"""Outgoing webhooks through the SDK (issue #16): its documents hold against the gateway's
schema, and every method through the gateway's real GraphQL over HTTP, in process, on a
recording fake of the integrations service (tests/gateway/integrations_fake.py); the real
service behind it: tests/e2e/test_outgoing_webhooks.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from graphql import parse, validate
from switchboard_sdk import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Switchboard,
    WebhookDeliveryStatus,
    WebhookEndpointState,
)
from switchboard_sdk import webhooks as documents

from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from gateway.integrations.forms import MAX_SECRET_TTL_S
from services.kernel.errors import InvalidArgument
from tests.gateway.graphql_fakes import SCHEMA
from tests.gateway.integrations_fake import FakeIntegrations, edge_app

HOOK = "https://example.com/hooks/switchboard"


def test_documents_are_valid_against_the_schema() -> None:
    names = [n for n in dir(documents) if n.isupper() and isinstance(getattr(documents, n), str)]
    operations = [n for n in names if "query " in getattr(documents, n)
                  or "mutation " in getattr(documents, n)]
    assert len(operations) == 11
    for name in operations:
        assert validate(SCHEMA._schema, parse(getattr(documents, name))) == [], name


@pytest.fixture
def service() -> FakeIntegrations:
    return FakeIntegrations()


async def sdk(service: FakeIntegrations, scope: str) -> Switchboard:
    client = Switchboard("http://test", api_key=f"sb_{scope}key", retries=0)
    await client._transport._http.aclose()
    client._transport._http = httpx.AsyncClient(  # the gateway's app, in process
        transport=httpx.ASGITransport(app=edge_app(service)), base_url="http://test",
        headers={"Authorization": f"Bearer sb_{scope}key"})
    return client


@pytest.fixture
async def sb(service: FakeIntegrations) -> AsyncIterator[Switchboard]:
    async with await sdk(service, "admin") as client:
        yield client


async def test_endpoints_round_trip(sb: Switchboard, service: FakeIntegrations) -> None:
    made = await sb.create_webhook_endpoint(HOOK, ["message.received"], description="CRM")
    assert made.secret == "whsec_generated"
    assert made.endpoint.state is WebhookEndpointState.ACTIVE
    assert made.endpoint.event_types == ["message.received"]
    assert made.endpoint.created_at == datetime(2025, 12, 29, 9, 20, tzinfo=UTC)

    page = await sb.webhook_endpoints(first=10)
    assert [e.id for e in page.items] == [made.endpoint.id] and page.end_cursor == "next"
    assert (await sb.webhook_endpoint(made.endpoint.id)) == made.endpoint
    assert await sb.webhook_endpoint("missing") is None

    paused = await sb.update_webhook_endpoint(made.endpoint.id, enabled=False)
    assert paused.enabled is False
    assert list(service.calls[-1][2]["request"].update_fields) == ["enabled"]
    rotated = await sb.rotate_webhook_secret(made.endpoint.id, previous_secret_ttl_s=600)
    assert rotated.secret == "whsec_rotated" and service.calls[-1][2]["ttl"] == 600

    await sb.delete_webhook_endpoint(made.endpoint.id)
    with pytest.raises(NotFound):
        await sb.delete_webhook_endpoint(made.endpoint.id)


async def test_deliveries_and_replays(sb: Switchboard, service: FakeIntegrations) -> None:
    endpoint = (await sb.create_webhook_endpoint(HOOK)).endpoint
    test = await sb.send_webhook_test_event(endpoint.id)
    assert test.status is WebhookDeliveryStatus.PENDING and test.last_response_status is None
    delivered = service.add_delivery(endpoint.id)

    page = await sb.webhook_deliveries(endpoint_id=endpoint.id,
                                       status=WebhookDeliveryStatus.DELIVERED,
                                       since=datetime(2026, 1, 1, tzinfo=UTC))
    assert {d.id for d in page.items} == {test.id, delivered.id} and page.end_cursor is None
    asked = service.calls[-1][2]
    assert asked["status"] == pb.DELIVERY_STATUS_DELIVERED
    assert asked["since"] == datetime(2026, 1, 1, tzinfo=UTC)
    assert [d.id async for d in sb.iter_webhook_deliveries(endpoint_id=endpoint.id)] \
        == [d.id for d in page.items]

    detail = await sb.webhook_delivery(delivered.id)
    assert detail is not None and detail.payload["id"] == delivered.event_id
    assert [(a.number, a.response_status) for a in detail.attempts] == [(1, None), (2, 200)]
    assert await sb.webhook_delivery("missing") is None

    again = await sb.replay_webhook_delivery(delivered.id)
    assert again.event_id == delivered.event_id and again.replay_of == delivered.id
    queued = await sb.replay_webhook_endpoint(endpoint.id, datetime(2026, 1, 1, tzinfo=UTC),
                                              datetime(2026, 1, 2, tzinfo=UTC))
    assert queued == 3


async def test_refusals_are_the_sdks_exceptions(sb: Switchboard,
                                                service: FakeIntegrations) -> None:
    async def refuse(*_: object, **__: object) -> None:
        raise InvalidArgument("url: 10.0.0.1 is a private address")
    service.create_endpoint = refuse  # type: ignore[assignment,method-assign]
    with pytest.raises(InvalidInput, match="private address"):
        await sb.create_webhook_endpoint("http://10.0.0.1/")
    with pytest.raises(InvalidInput):
        await sb.rotate_webhook_secret("e1", previous_secret_ttl_s=MAX_SECRET_TTL_S + 1)
    async with await sdk(service, "read") as reader:
        with pytest.raises(PermissionDenied):
            await reader.delete_webhook_endpoint("e1")
        assert (await reader.webhook_endpoints()).items == []

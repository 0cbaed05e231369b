"""WebhooksService's endpoint RPCs on the real runtime: the URL through the outbound guard, the
secret shown once, updates, rotation, deletion, and tenants apart."""

from __future__ import annotations

import uuid
from datetime import UTC, timedelta

import pytest

from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from clients.rpc.integrations import IntegrationsClient
from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound
from tests.services.integrations.conftest import Receiver


async def test_create_shows_the_secret_once_and_lists_the_endpoint(
        client: IntegrationsClient, receiver: Receiver, tenant: uuid.UUID) -> None:
    made = await client.create_endpoint(tenant, url=receiver.url("a"), description="CRM",
                                        event_types=["message.received", "note.added"])
    assert made.secret.startswith("whsec_") and len(made.secret) > 30
    e = made.endpoint
    assert (e.url, e.description, list(e.event_types), e.enabled, e.state) == (
        receiver.url("a"), "CRM", ["message.received", "note.added"], True,
        pb.ENDPOINT_STATE_ACTIVE)
    assert e.retry_window_s == 3 * 24 * 3600
    listed = await client.list_endpoints(tenant)
    assert [x.id for x in listed.endpoints] == [e.id]
    got = await client.get_endpoint(tenant, e.id)
    assert got.url == e.url  # and no secret in any read: the message has no field for it


async def test_a_url_that_is_not_public_is_refused_with_a_clear_error(
        client: IntegrationsClient, receiver: Receiver, tenant: uuid.UUID) -> None:
    for url in ("http://127.0.0.1:9/hook", "http://169.254.169.254/latest",
                "http://10.0.0.1/x", "ftp://example.com/x", "http://user:pw@example.com/"):
        with pytest.raises(InvalidArgument, match="public http") as refused:
            await client.create_endpoint(tenant, url=url)
        assert refused.value.problem == "url-not-allowed"  # its name crossed gRPC
    with pytest.raises(InvalidArgument, match=r"unknown event types: message\.sent") as unknown:
        await client.create_endpoint(tenant, url=receiver.url("x"),
                                     event_types=["message.sent"])
    assert unknown.value.problem == "unknown-event-types"
    with pytest.raises(InvalidArgument, match="secret must be"):
        await client.create_endpoint(tenant, url=receiver.url("x"), secret="short")


async def test_update_rotate_delete(client: IntegrationsClient, receiver: Receiver,
                                    tenant: uuid.UUID) -> None:
    e = (await client.create_endpoint(tenant, url=receiver.url("u"),
                                      secret="s" * 24)).endpoint
    updated = await client.update_endpoint(tenant, pb.UpdateEndpointRequest(
        endpoint_id=e.id, update_fields=["description", "enabled"], description="off",
        enabled=False))
    assert (updated.description, updated.enabled, updated.state, updated.url) == (
        "off", False, pb.ENDPOINT_STATE_DISABLED, receiver.url("u"))
    with pytest.raises(FailedPrecondition, match="disabled"):
        await client.send_test_event(tenant, e.id)
    since = e.created_at.ToDatetime(tzinfo=UTC)
    with pytest.raises(FailedPrecondition, match="disabled"):
        await client.replay_range(tenant, e.id, from_=since, to=since + timedelta(hours=1))
    with pytest.raises(InvalidArgument, match="update_fields"):
        await client.update_endpoint(tenant, pb.UpdateEndpointRequest(
            endpoint_id=e.id, update_fields=["secret"]))
    rotated = await client.rotate_secret(tenant, e.id, previous_secret_ttl_s=3600)
    assert rotated.secret.startswith("whsec_") and rotated.secret != "s" * 24
    with pytest.raises(InvalidArgument, match="previous_secret_ttl_s"):
        await client.rotate_secret(tenant, e.id, previous_secret_ttl_s=8 * 24 * 3600)
    await client.delete_endpoint(tenant, e.id)
    with pytest.raises(NotFound):
        await client.get_endpoint(tenant, e.id)
    with pytest.raises(NotFound):
        await client.delete_endpoint(tenant, e.id)


async def test_another_tenant_sees_nothing(client: IntegrationsClient, receiver: Receiver,
                                           tenant: uuid.UUID) -> None:
    other = uuid.uuid4()
    e = (await client.create_endpoint(tenant, url=receiver.url("t"))).endpoint
    test = await client.send_test_event(tenant, e.id)
    assert not (await client.list_endpoints(other)).endpoints
    assert not (await client.list_deliveries(other)).deliveries
    for call in (client.get_endpoint(other, e.id), client.delete_endpoint(other, e.id),
                 client.send_test_event(other, e.id), client.get_delivery(other, test.id),
                 client.replay_delivery(other, test.id)):
        with pytest.raises(NotFound):
            await call
    with pytest.raises(InvalidArgument, match="not a valid id"):
        await client.get_endpoint(tenant, "nope")

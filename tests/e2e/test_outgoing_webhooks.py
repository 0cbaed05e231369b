"""Outgoing webhooks end to end (issue #16), driven like a third party: a tenant registers an
endpoint on a real local receiver (the session platform's, allowlisted), a buyer writes on the
Avito emulator, the receiver gets `message.received` signed so that the SDK's
`verify_webhook` accepts it; the delivery log over REST says delivered (with the attempt and
the payload); a replay sends the same event id again; another tenant can neither see nor touch
the endpoint or its deliveries (404); GraphQL creates and lists endpoints, each tenant its own."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from switchboard_sdk import verify_webhook

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.fixtures.receiver import Received

pytestmark = pytest.mark.slow


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Webhooks seller")


@pytest.fixture
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Another seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def create_endpoint(tenant: Tenant, url: str) -> dict[str, Any]:
    resp = await tenant.http.post("/v1/webhooks/endpoints", json={
        "url": url, "description": "CRM", "event_types": ["message.received"]})
    assert resp.status_code == 201, resp.text
    return resp.json()  # type: ignore[no-any-return]


def events(received: list[Received], secret: str) -> list[dict[str, Any]]:
    """Every request verified with the endpoint's secret (raises on a bad signature)."""
    return [verify_webhook(r.body, r.headers, secret) for r in received]


async def test_message_received_is_signed_logged_and_replayed(
        platform: RunningPlatform, seller: Tenant, other: Tenant, shop: SandboxShop) -> None:
    hook = f"hook-{uuid.uuid4().hex}"
    endpoint = await create_endpoint(seller, platform.receiver.url_for(hook))
    secret = endpoint["secret"]
    assert secret and endpoint["state"] == "active"

    await platform.buyer_writes(shop, "Здравствуйте! Диван ещё продаётся?")
    [event] = await eventually(lambda: _events(platform, hook, secret), within=30)
    assert event["type"] == "message.received"
    assert event["tenant_id"] == str(seller.tenant_id)
    assert event["data"]["message"]["text"] == "Здравствуйте! Диван ещё продаётся?"
    assert event["data"]["conversation"]["channel_id"] == shop.channel["id"]
    [request] = platform.receiver.at(hook)
    assert request.headers["x-switchboard-event-id"] == event["id"]

    async def delivered() -> dict[str, Any] | None:
        resp = await seller.http.get("/v1/webhooks/deliveries",
                                     params={"endpoint_id": endpoint["id"]})
        assert resp.status_code == 200, resp.text
        found = [d for d in resp.json()["items"] if d["event_id"] == event["id"]]
        return found[0] if found and found[0]["status"] == "delivered" else None
    delivery = await eventually(delivered, within=15)
    assert delivery["last_response_status"] == 200 and delivery["attempts"] == 1
    assert delivery["event_type"] == "message.received" and delivery["replay_of"] is None
    detail = (await seller.http.get(f"/v1/webhooks/deliveries/{delivery['id']}")).json()
    assert [a["response_status"] for a in detail["attempt_log"]] == [200]
    assert detail["payload"] == event

    replay = await seller.http.post(f"/v1/webhooks/deliveries/{delivery['id']}/replay")
    assert replay.status_code == 202, replay.text
    assert replay.json()["event_id"] == event["id"]
    assert replay.json()["replay_of"] == delivery["id"]
    again = await eventually(lambda: _events(platform, hook, secret, count=2), within=30)
    assert [e["id"] for e in again] == [event["id"], event["id"]]

    await _other_tenant_gets_nothing(other, endpoint["id"], delivery["id"])
    assert len(platform.receiver.at(hook)) == 2  # the other tenant's tries sent nothing


async def _events(platform: RunningPlatform, hook: str, secret: str,
                  count: int = 1) -> list[dict[str, Any]] | None:
    found = platform.receiver.at(hook)
    return events(found, secret) if len(found) >= count else None


async def _other_tenant_gets_nothing(other: Tenant, endpoint_id: str,
                                     delivery_id: str) -> None:
    for method, path, body in [
            ("GET", f"/v1/webhooks/endpoints/{endpoint_id}", None),
            ("PATCH", f"/v1/webhooks/endpoints/{endpoint_id}", {"enabled": False}),
            ("POST", f"/v1/webhooks/endpoints/{endpoint_id}/rotate-secret", None),
            ("POST", f"/v1/webhooks/endpoints/{endpoint_id}/test", None),
            ("POST", f"/v1/webhooks/endpoints/{endpoint_id}/replay",
             {"from": "2026-01-01T00:00:00Z", "to": "2026-01-31T00:00:00Z"}),
            ("DELETE", f"/v1/webhooks/endpoints/{endpoint_id}", None),
            ("GET", f"/v1/webhooks/deliveries/{delivery_id}", None),
            ("POST", f"/v1/webhooks/deliveries/{delivery_id}/replay", None)]:
        resp = await other.http.request(method, path, json=body)
        assert resp.status_code == 404, (method, path, resp.text)
        assert resp.headers["content-type"] == "application/problem+json"
    assert (await other.http.get("/v1/webhooks/endpoints")).json()["items"] == []
    listed = await other.http.get("/v1/webhooks/deliveries", params={"endpoint_id": endpoint_id})
    assert listed.status_code in (200, 404) and listed.json().get("items", []) == []


async def test_a_refusal_names_its_problem_for_clients_to_branch_on(
        platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Webhooks: refusals")
    resp = await seller.http.post("/v1/webhooks/endpoints", json={"url": "http://10.0.0.1/x"})
    assert resp.status_code == 422, resp.text
    assert resp.json()["type"] == "/problems/url-not-allowed", resp.json()
    body = (await seller.http.post("/graphql", json={"query": CREATE, "variables": {"input": {
        "url": platform.receiver.url_for("misspelt"), "eventTypes": ["mesage.received"]}}}
                                 )).json()
    [error] = body["errors"]
    assert error["extensions"]["problem"] == "unknown-event-types", body


CREATE = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes state } } }"""
LIST = "{ webhookEndpoints(first: 10) { edges { node { id url } } pageInfo { hasNextPage } } }"


async def graphql(tenant: Tenant, query: str, **variables: Any) -> dict[str, Any]:
    resp = await tenant.http.post("/graphql", json={"query": query, "variables": variables})
    body = resp.json()
    assert resp.status_code == 200 and "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def test_graphql_creates_and_lists_each_tenants_own(
        platform: RunningPlatform, seller: Tenant, other: Tenant) -> None:
    url = platform.receiver.url_for(f"graphql-{uuid.uuid4().hex}")
    made = (await graphql(seller, CREATE, input={"url": url, "eventTypes": []}))
    created = made["createWebhookEndpoint"]
    assert created["secret"].startswith("whsec_")
    assert created["endpoint"]["url"] == url and created["endpoint"]["eventTypes"] == []
    assert created["endpoint"]["state"] == "active"

    listed = (await graphql(seller, LIST))["webhookEndpoints"]
    assert [e["node"] for e in listed["edges"]] == [{"id": created["endpoint"]["id"], "url": url}]
    assert listed["pageInfo"] == {"hasNextPage": False}
    assert (await graphql(other, LIST))["webhookEndpoints"]["edges"] == []
    found = await graphql(other, "query($id: ID!) { webhookEndpoint(id: $id) { id } }",
                          id=created["endpoint"]["id"])
    assert found == {"webhookEndpoint": None}

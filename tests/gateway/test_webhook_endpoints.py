"""Outgoing webhooks at the edge (issue #16) on a recording fake of the integrations client:
REST's routes (what each sends to the service, what it answers, the secret shown only by
create and rotate), scopes (read lists, admin changes), the service's refusals as problem+json,
the same through GraphQL, and the GraphQL cost of the new lists. The real service behind the
same API: tests/e2e/test_outgoing_webhooks.py."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from graphql import parse

from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from clients.rpc.integrations import IntegrationsClient
from gateway.graphql.context import Context
from gateway.limits.cost import document_cost
from services.kernel.errors import InvalidArgument
from tests.gateway.graphql_fakes import SCHEMA, TENANT_A, codes, principal
from tests.gateway.integrations_fake import FakeIntegrations, client, edge_app

HOOK = "https://example.com/hooks/switchboard"


@pytest.fixture
def service() -> FakeIntegrations:
    return FakeIntegrations()


@pytest.fixture
def app(service: FakeIntegrations) -> FastAPI:
    return edge_app(service)


def test_the_fake_takes_what_the_real_client_takes() -> None:
    for name, method in inspect.getmembers(FakeIntegrations, inspect.iscoroutinefunction):
        real = inspect.signature(getattr(IntegrationsClient, name))
        assert inspect.signature(method).parameters.keys() == real.parameters.keys(), name


async def test_endpoint_crud_shows_the_secret_only_when_made(
        app: FastAPI, service: FakeIntegrations) -> None:
    async with client(app, "admin") as http:
        created = await http.post("/v1/webhooks/endpoints", json={
            "url": HOOK, "description": "CRM", "event_types": ["message.received"]})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["secret"] == "whsec_generated" and body["state"] == "active"
        assert body["event_types"] == ["message.received"] and body["paused_at"] is None
        assert service.calls[-1] == ("create", TENANT_A, {
            "url": HOOK, "description": "CRM", "event_types": ["message.received"], "secret": ""})
        endpoint_id = body["id"]

        listed = (await http.get("/v1/webhooks/endpoints", params={"limit": 10,
                                                                   "cursor": "c1"})).json()
        assert [e["id"] for e in listed["items"]] == [endpoint_id]
        assert listed["page"] == {"next_cursor": "next", "has_more": True}
        assert service.calls[-1][2] == {"page_size": 10, "cursor": "c1"}
        one = await http.get(f"/v1/webhooks/endpoints/{endpoint_id}")
        assert one.json()["url"] == HOOK and "secret" not in one.json()

        patched = await http.patch(f"/v1/webhooks/endpoints/{endpoint_id}",
                                   json={"enabled": False, "event_types": []})
        assert patched.status_code == 200 and patched.json()["enabled"] is False
        request = service.calls[-1][2]["request"]
        assert list(request.update_fields) == ["enabled", "event_types"]

        rotated = await http.post(f"/v1/webhooks/endpoints/{endpoint_id}/rotate-secret",
                                  json={"previous_secret_ttl_s": 3600})
        assert rotated.status_code == 200 and rotated.json()["secret"] == "whsec_rotated"
        assert service.calls[-1][2] == {"endpoint_id": endpoint_id, "ttl": 3600}
        at_once = await http.post(f"/v1/webhooks/endpoints/{endpoint_id}/rotate-secret")
        assert at_once.status_code == 200 and service.calls[-1][2]["ttl"] == 0

        assert (await http.delete(f"/v1/webhooks/endpoints/{endpoint_id}")).status_code == 204
        gone = await http.get(f"/v1/webhooks/endpoints/{endpoint_id}")
        assert gone.status_code == 404 and gone.json()["detail"] == "webhook endpoint not found"
        assert gone.headers["content-type"] == "application/problem+json"


async def test_deliveries_log_detail_test_event_and_replays(
        app: FastAPI, service: FakeIntegrations) -> None:
    async with client(app, "admin") as http:
        endpoint_id = (await http.post("/v1/webhooks/endpoints", json={"url": HOOK})).json()["id"]
        test = await http.post(f"/v1/webhooks/endpoints/{endpoint_id}/test")
        assert test.status_code == 202 and test.json()["status"] == "pending"
        assert test.json()["last_response_status"] is None
        delivered = service.add_delivery(endpoint_id)

        listed = await http.get("/v1/webhooks/deliveries", params={
            "endpoint_id": endpoint_id, "status": "delivered",
            "since": "2026-01-01T00:00:00Z", "until": "2026-02-01T00:00:00+03:00"})
        assert listed.status_code == 200, listed.text
        assert {d["id"] for d in listed.json()["items"]} == {test.json()["id"], delivered.id}
        assert service.calls[-1][2] == {
            "endpoint_id": endpoint_id, "status": pb.DELIVERY_STATUS_DELIVERED,
            "since": datetime(2026, 1, 1, tzinfo=UTC),
            "until": datetime(2026, 1, 31, 21, tzinfo=UTC), "page_size": 50, "cursor": ""}

        detail = (await http.get(f"/v1/webhooks/deliveries/{delivered.id}")).json()
        assert detail["payload"] == {"id": delivered.event_id, "type": "message.received"}
        assert [(a["number"], a["response_status"], a["error"]) for a in detail["attempt_log"]] \
            == [(1, None, "timed out"), (2, 200, None)]
        assert detail["attempts"] == 2 and detail["last_latency_ms"] == 31

        replay = await http.post(f"/v1/webhooks/deliveries/{delivered.id}/replay")
        assert replay.status_code == 202
        assert replay.json()["event_id"] == delivered.event_id
        assert replay.json()["replay_of"] == delivered.id

        ranged = await http.post(f"/v1/webhooks/endpoints/{endpoint_id}/replay", json={
            "from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"})
        assert ranged.status_code == 202 and ranged.json() == {"queued": 3}
        assert service.calls[-1][2]["from_"] == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("method", "path", "body", "words"), [
    ("GET", "/v1/webhooks/deliveries?status=lost", None, "status"),
    ("GET", "/v1/webhooks/endpoints?limit=101", None, "limit"),
    ("POST", "/v1/webhooks/endpoints", {"url": "x" * 2049}, "url"),
    ("POST", "/v1/webhooks/endpoints", {"url": HOOK, "event_types": ["a" * 101]}, "event_types"),
    ("POST", "/v1/webhooks/endpoints/e1/rotate-secret", {"previous_secret_ttl_s": 604_801},
     "previous_secret_ttl_s"),
    ("POST", "/v1/webhooks/endpoints/e1/replay", {"to": "2026-01-02T00:00:00Z"}, "from"),
])
async def test_bad_input_is_a_422_naming_the_field(app: FastAPI, method: str, path: str,
                                                   body: object, words: str) -> None:
    async with client(app, "admin") as http:
        resp = await http.request(method, path, json=body)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert words in resp.json()["detail"]


async def test_the_services_refusal_is_a_problem(app: FastAPI,
                                                 service: FakeIntegrations) -> None:
    async def refuse(*_: object, **__: object) -> None:
        raise InvalidArgument("url: 10.0.0.1 is a private address; use a public URL")
    service.create_endpoint = refuse  # type: ignore[assignment,method-assign]
    async with client(app, "admin") as http:
        resp = await http.post("/v1/webhooks/endpoints", json={"url": "http://10.0.0.1/"})
    assert resp.status_code == 422
    assert resp.json()["detail"] == "url: 10.0.0.1 is a private address; use a public URL"


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/v1/webhooks/endpoints"), ("PATCH", "/v1/webhooks/endpoints/e1"),
    ("DELETE", "/v1/webhooks/endpoints/e1"), ("POST", "/v1/webhooks/endpoints/e1/rotate-secret"),
    ("POST", "/v1/webhooks/endpoints/e1/test"), ("POST", "/v1/webhooks/endpoints/e1/replay"),
    ("POST", "/v1/webhooks/deliveries/d1/replay"),
])
async def test_changing_needs_admin_and_reading_read(app: FastAPI, service: FakeIntegrations,
                                                     method: str, path: str) -> None:
    async with client(app, "write") as http:
        refused = await http.request(method, path, json={"url": HOOK})
        assert refused.status_code == 403 and "'admin'" in refused.json()["detail"]
        assert service.calls == []
    async with client(app, "read") as http:
        assert (await http.get("/v1/webhooks/endpoints")).status_code == 200
        assert (await http.get("/v1/webhooks/deliveries")).status_code == 200


ENDPOINT_FIELDS = "id url eventTypes enabled state pausedAt retryWindowS"


async def graphql(service: FakeIntegrations, query: str, scope: str = "admin",
                  **variables: object) -> object:
    return await SCHEMA.execute(query, variable_values=variables, context_value=Context(
        SimpleState(service), principal(scope)))  # type: ignore[arg-type]


class SimpleState:
    def __init__(self, integrations: FakeIntegrations) -> None:
        self.integrations, self.limiter = integrations, None


async def test_graphql_endpoints_deliveries_and_mutations(service: FakeIntegrations) -> None:
    created = await graphql(service, """
        mutation($input: CreateWebhookEndpointInput!) {
          createWebhookEndpoint(input: $input) { secret endpoint { ENDPOINT } } }"""
        .replace("ENDPOINT", ENDPOINT_FIELDS),
        input={"url": HOOK, "eventTypes": ["message.received"], "secret": "s" * 24})
    assert created.errors is None, created.errors  # type: ignore[attr-defined]
    made = created.data["createWebhookEndpoint"]  # type: ignore[attr-defined]
    assert made["secret"] == "s" * 24 and made["endpoint"]["state"] == "active"
    endpoint_id = made["endpoint"]["id"]

    listed = await graphql(service, "{ webhookEndpoints(first: 5) { edges { node { id } } "
                                    "pageInfo { hasNextPage endCursor } } }", scope="read")
    assert listed.data["webhookEndpoints"] == {  # type: ignore[attr-defined]
        "edges": [{"node": {"id": endpoint_id}}],
        "pageInfo": {"hasNextPage": True, "endCursor": "next"}}
    missing = await graphql(service, "{ webhookEndpoint(id: \"nope\") { id } }", scope="read")
    assert missing.data == {"webhookEndpoint": None}  # type: ignore[attr-defined]

    delivery = service.add_delivery(endpoint_id)
    detail = await graphql(service, """query($id: ID!) { webhookDelivery(id: $id) {
        delivery { eventId status lastResponseStatus } attempts { number responseStatus error }
        payload } }""", scope="read", id=delivery.id)
    found = detail.data["webhookDelivery"]  # type: ignore[attr-defined]
    assert found["delivery"] == {"eventId": delivery.event_id, "status": "delivered",
                                 "lastResponseStatus": 200}
    assert found["attempts"][0] == {"number": 1, "responseStatus": None, "error": "timed out"}
    assert delivery.event_id in found["payload"]

    filtered = await graphql(service, """query($e: ID) { webhookDeliveries(endpointId: $e,
        status: "failed", first: 20) { edges { node { id replayOf } } } }""", scope="read",
        e=endpoint_id)
    assert filtered.errors is None  # type: ignore[attr-defined]
    assert service.calls[-1][2]["status"] == pb.DELIVERY_STATUS_FAILED

    mutations = await graphql(service, """mutation($e: ID!, $d: ID!) {
        updateWebhookEndpoint(id: $e, input: {enabled: false}) { enabled }
        rotateWebhookEndpointSecret(id: $e, previousSecretTtlS: 60) { secret }
        sendWebhookTestEvent(id: $e) { status }
        replayWebhookDelivery(id: $d) { replayOf eventId }
        replayWebhookEndpoint(id: $e, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z")
        deleteWebhookEndpoint(id: $e) }""", e=endpoint_id, d=delivery.id)
    assert mutations.errors is None, mutations.errors  # type: ignore[attr-defined]
    assert mutations.data == {  # type: ignore[attr-defined]
        "updateWebhookEndpoint": {"enabled": False},
        "rotateWebhookEndpointSecret": {"secret": "whsec_rotated"},
        "sendWebhookTestEvent": {"status": "pending"},
        "replayWebhookDelivery": {"replayOf": delivery.id, "eventId": delivery.event_id},
        "replayWebhookEndpoint": 3, "deleteWebhookEndpoint": True}


async def test_graphql_scopes_and_bad_input(service: FakeIntegrations) -> None:
    refused = await graphql(service, "mutation { deleteWebhookEndpoint(id: \"e\") }",
                            scope="write")
    assert codes(refused) == ["FORBIDDEN"] and service.calls == []
    bad = await graphql(service, "{ webhookDeliveries(status: \"lost\") { edges { node { id } } } }",
                        scope="read")
    assert codes(bad) == ["BAD_USER_INPUT"] and "status" in bad.errors[0].message  # type: ignore[attr-defined]
    too_long = await graphql(service, "mutation { rotateWebhookEndpointSecret(id: \"e\", "
                                      "previousSecretTtlS: 9999999) { secret } }")
    assert codes(too_long) == ["BAD_USER_INPUT"]


def test_graphql_cost_counts_the_pages_and_each_deliverys_attempts() -> None:
    schema = SCHEMA._schema

    def cost(query: str) -> int:
        return document_cost(schema, parse(query), None, None)
    assert cost("{ webhookEndpoints(first: 100) { edges { node { id } } } }") == 100
    assert cost("{ webhookDeliveries { edges { node { id } } } }") == 50  # the default page
    assert cost("{ webhookDelivery(id: \"d\") { attempts { number } } }") == 10  # UNPAGED

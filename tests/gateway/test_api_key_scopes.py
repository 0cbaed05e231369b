"""Resource-scoped and expiring API keys through both doors: real keys (identity on PostgreSQL)
on the REST API and /graphql, the services behind them the recording fakes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.config import GatewaySettings
from gateway.graphql.router import graphql_router
from gateway.identity.service import IdentityService
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.gateway import bearer, client_for, gateway_settings, identity_app
from tests.gateway.graphql_fakes import FakeChannels, FakeConversations, conversation

CHANNEL = "5b0f6f8e-9a34-4a43-9c35-8f3f4b8e2d11"


@pytest.fixture
def app(db: Database, settings: KernelSettings) -> FastAPI:
    gw_settings: GatewaySettings = gateway_settings(settings)
    app = identity_app(db, gw_settings)
    app.include_router(graphql_router(gw_settings), prefix="/graphql")
    app.state.gateway.conversations = FakeConversations(
        [conversation("0c3e1a52-6f0b-4d7e-8a1c-2b9d5e4f7a61", CHANNEL)])
    app.state.gateway.channels = FakeChannels()
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as http:
        yield http


@pytest.fixture
async def admin(app: FastAPI) -> str:
    identity: IdentityService = app.state.gateway.identity
    created = await identity.create_tenant("Scoped", f"owner-{uuid.uuid4().hex[:10]}@example.com",
                                           "correct horse battery")
    return created.api_key


async def new_key(client: httpx.AsyncClient, admin: str, *scopes: str, **extra: Any) -> str:
    response = await client.post("/v1/api-keys", headers=bearer(admin),
                                 json={"name": "scoped", "scopes": list(scopes), **extra})
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def refused(response: httpx.Response, status: int, detail: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == detail


async def graphql(client: httpx.AsyncClient, key: str, query: str) -> httpx.Response:
    return await client.post("/graphql", headers=bearer(key), json={"query": query})


async def test_a_conversations_read_key_reads_conversations_and_nothing_else(
        client: httpx.AsyncClient, admin: str) -> None:
    key = await new_key(client, admin, "conversations:read")
    me = (await client.get("/v1/auth/me", headers=bearer(key))).json()
    assert me["scopes"] == ["conversations:read"]
    listed = await client.get("/v1/conversations", headers=bearer(key))
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    conversation_id = listed.json()["items"][0]["id"]
    refused(await client.post(f"/v1/conversations/{conversation_id}/messages",
                              headers=bearer(key), json={"text": "hello"}),
            403, "this needs the 'write' scope on conversations")
    refused(await client.get("/v1/channels", headers=bearer(key)), 403,
            "this needs the 'read' scope on channels")
    refused(await client.get("/v1/users", headers=bearer(key)), 403,
            "this needs the 'read' scope")  # the team: no resource scope reaches it
    refused(await client.get("/v1/api-keys", headers=bearer(key)), 403,
            "this needs the 'admin' scope")

    answer = (await graphql(client, key, "{ conversations(first: 5) { edges { node { id } } } "
                                         "}")).json()
    assert "errors" not in answer and len(answer["data"]["conversations"]["edges"]) == 1
    sent = (await graphql(client, key, 'mutation { sendMessage(input: {conversationId: "'
                          + conversation_id + '", text: "hello"}) { id } }')).json()
    assert [(e["message"], e["extensions"]["code"]) for e in sent["errors"]] == [
        ("this needs the 'write' scope on conversations", "FORBIDDEN")]
    channels = (await graphql(client, key, "{ channels { id } }")).json()
    assert [(e["message"], e["extensions"]["code"]) for e in channels["errors"]] == [
        ("this needs the 'read' scope on channels", "FORBIDDEN")]


async def test_a_conversations_write_key_replies(client: httpx.AsyncClient, admin: str,
                                                 app: FastAPI) -> None:
    key = await new_key(client, admin, "conversations:write", "channels:read")
    conversation_id = next(iter(app.state.gateway.conversations.items))
    sent = await client.post(f"/v1/conversations/{conversation_id}/messages",
                             headers=bearer(key), json={"text": "hello"})
    assert sent.status_code == 201, sent.text
    assert app.state.gateway.conversations.calls[-1][0] == "send"
    refused(await client.post(f"/v1/channels/{CHANNEL}/sync", headers=bearer(key)), 403,
            "this needs the 'write' scope on channels")


async def test_graphql_creates_an_expiring_key_that_then_expires(
        client: httpx.AsyncClient, admin: str, app: FastAPI) -> None:
    expires_at = datetime.now(UTC) + timedelta(days=30)
    created = (await graphql(client, admin, 'mutation { createApiKey(name: "crm", scopes: '
                             f'["knowledge:write"], expiresAt: "{expires_at.isoformat()}") '
                             "{ key apiKey { id scopes expiresAt expired lastUsedAt } } }")).json()
    made = created["data"]["createApiKey"]
    assert made["apiKey"]["scopes"] == ["knowledge:write"] and made["apiKey"]["expired"] is False
    assert datetime.fromisoformat(made["apiKey"]["expiresAt"]) == expires_at
    bad = (await graphql(client, admin, 'mutation { createApiKey(name: "x", scopes: '
                         '["inbox:read"]) { key } }')).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "the resources being conversations, channels" in bad["errors"][0]["message"]

    key = made["key"]
    assert (await graphql(client, key, "{ __typename }")).status_code == 200
    app.state.gateway.identity.clock = lambda: expires_at + timedelta(seconds=1)
    expired = await graphql(client, key, "{ __typename }")
    assert expired.status_code == 401 and expired.json()["type"] == "/problems/api-key-expired"
    listed = (await graphql(client, admin, "{ apiKeys { id expired lastUsedAt } }")).json()
    mine = next(k for k in listed["data"]["apiKeys"] if k["id"] == made["apiKey"]["id"])
    assert mine["expired"] is True and mine["lastUsedAt"] is not None

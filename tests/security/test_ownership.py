"""Ownership of referenced ids (issue #19): every id a request names must exist in the caller's
tenant — a path's id answers 404, a body field's 422 — over REST and GraphQL, with two tenants:
another tenant's id and a made-up one read the same, and nothing is stored for either."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow

UPDATE_CONVERSATION = """mutation($input: UpdateConversationInput!) {
  updateConversation(input: $input) { id assigneeUserId } }"""
AGENT_SETTINGS = "query($c: ID) { agentSettings(channelId: $c) { channelId } }"
UPDATE_SETTINGS = """mutation($input: UpdateAgentSettingsInput!) {
  updateAgentSettings(input: $input) { channelId } }"""
PREVIEW = "query($c: ID) { agentPreview(question: \"Есть доставка?\", channelId: $c) { outcome } }"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Owner seller")


@pytest.fixture
async def stranger(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Other seller")


async def user_id_of(platform: RunningPlatform, tenant: Tenant) -> str:
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=15) as browser:
        login = await browser.post("/v1/auth/login", json={"email": tenant.email,
                                                           "password": tenant.password})
    assert login.status_code == 200, login.text
    return str(login.json()["user_id"])


async def a_conversation(platform: RunningPlatform, tenant: Tenant) -> tuple[SandboxShop, str]:
    shop = await platform.connect_sandbox_shop(tenant)
    written = await platform.buyer_writes(shop, "Здравствуйте, товар в наличии?")

    async def landed() -> str | None:
        items = (await tenant.http.get("/v1/conversations")).json()["items"]
        found = [c["id"] for c in items if c["external_chat_id"] == written["chat_id"]]
        return str(found[0]) if found else None
    return shop, await eventually(landed, within=20)


def gql_code(resp: httpx.Response) -> str | None:
    errors = resp.json().get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def test_an_assignee_must_be_a_user_of_the_tenant(platform: RunningPlatform, seller: Tenant,
                                                        stranger: Tenant) -> None:
    _, conversation = await a_conversation(platform, seller)
    theirs, made_up = await user_id_of(platform, stranger), str(uuid.uuid4())
    for assignee in (theirs, made_up):
        patch = await seller.http.patch(f"/v1/conversations/{conversation}",
                                        json={"assignee_user_id": assignee})
        assert patch.status_code == 422, patch.text
        assert "assignee_user_id" in patch.json()["detail"]
        gql = await seller.http.post("/graphql", json={"query": UPDATE_CONVERSATION, "variables": {
            "input": {"id": conversation, "assigneeUserId": assignee}}})
        assert gql_code(gql) == "BAD_USER_INPUT", gql.text
    current = (await seller.http.get(f"/v1/conversations/{conversation}")).json()
    assert current["assignee_user_id"] is None

    mine = await user_id_of(platform, seller)
    assigned = await seller.http.patch(f"/v1/conversations/{conversation}",
                                       json={"assignee_user_id": mine})
    assert assigned.status_code == 200 and assigned.json()["assignee_user_id"] == mine
    gql = await seller.http.post("/graphql", json={"query": UPDATE_CONVERSATION, "variables": {
        "input": {"id": conversation, "assigneeUserId": None}}})
    assert gql.json()["data"]["updateConversation"]["assigneeUserId"] is None  # clearing is fine


async def stored_levels(platform: RunningPlatform, tenant: Tenant) -> list[Any]:
    async with platform.db.unit_of_work(tenant.tenant_id) as session:
        rows = await session.execute(text("SELECT channel_id FROM agent.settings"))
        return [r[0] for r in rows]


async def test_agent_settings_and_previews_name_only_the_tenant_s_channels(
        platform: RunningPlatform, seller: Tenant, stranger: Tenant) -> None:
    theirs = str((await platform.connect_sandbox_shop(stranger)).channel["id"])
    mine = str((await platform.connect_sandbox_shop(seller)).channel["id"])
    for channel in (theirs, str(uuid.uuid4())):
        got = await seller.http.get("/v1/agent/settings", params={"channel_id": channel})
        put = await seller.http.put("/v1/agent/settings", params={"channel_id": channel},
                                    json={"enabled": True})
        preview = await seller.http.post("/v1/agent/preview", json={
            "question": "Есть доставка?", "channel_id": channel})
        assert (got.status_code, put.status_code, preview.status_code) == (404, 404, 422), \
            (got.text, put.text, preview.text)
        assert all(r.headers["content-type"].startswith("application/problem+json")
                   for r in (got, put, preview))
        codes = [gql_code(await seller.http.post("/graphql", json=body)) for body in (
            {"query": AGENT_SETTINGS, "variables": {"c": channel}},
            {"query": UPDATE_SETTINGS, "variables": {"input": {"channelId": channel,
                                                               "enabled": True}}},
            {"query": PREVIEW, "variables": {"c": channel}})]
        assert codes == ["NOT_FOUND", "NOT_FOUND", "BAD_USER_INPUT"], codes
    assert await stored_levels(platform, seller) == []  # nothing stored for either
    usage = (await seller.http.get("/v1/agent/usage")).json()
    assert usage["previews"] == 0  # and no preview recorded against them

    own = await seller.http.put("/v1/agent/settings", params={"channel_id": mine},
                                json={"enabled": True})
    assert own.status_code == 200 and own.json()["channel_id"] == mine
    assert (await seller.http.get("/v1/agent/settings", params={"channel_id": mine})).status_code == 200
    assert await stored_levels(platform, seller) == [uuid.UUID(mine)]
    assert await stored_levels(platform, stranger) == []


async def test_knowledge_documents_of_another_tenant_cannot_be_touched(
        platform: RunningPlatform, seller: Tenant, stranger: Tenant) -> None:
    upload = await stranger.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", "question,answer\nЕсть доставка?,Да\n".encode(), "text/csv"))])
    [document] = [r["document"] for r in upload.json()["results"]]
    deleted = await seller.http.delete(f"/v1/agent/knowledge/documents/{document['id']}")
    assert deleted.status_code == 404
    [result] = (await seller.http.post("/v1/agent/knowledge/reindex",
                                       json={"ids": [document["id"]]})).json()["results"]
    assert result["outcome"] == "rejected" and result["error"].endswith("not found"), result
    [still] = (await stranger.http.get("/v1/agent/knowledge/documents")).json()["items"]
    assert still["id"] == document["id"] and still["updated_at"] == document["updated_at"]

"""The agent's public API over HTTP: REST settings with overrides and scopes, clear problems for
bad input, the write-only key, tenant isolation, preview, usage, audit; the GraphQL twins."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.platform import RunningPlatform, Tenant

pytestmark = pytest.mark.slow


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("API seller")


@pytest.fixture
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Other seller")


async def reader_of(platform: RunningPlatform, tenant: Tenant) -> httpx.AsyncClient:
    created = await tenant.http.post("/v1/api-keys", json={"name": "viewer", "scopes": ["read"]})
    assert created.status_code == 201, created.text
    return httpx.AsyncClient(base_url=platform.gateway_url, timeout=15,
                             headers={"Authorization": f"Bearer {created.json()['key']}"})


async def test_settings_levels_scopes_and_isolation(platform: RunningPlatform, seller: Tenant,
                                                     other: Tenant) -> None:
    channel = str((await platform.connect_sandbox_shop(seller)).channel["id"])
    put = await seller.http.put("/v1/agent/settings", json={
        "enabled": True, "api_key": "sk-very-secret", "base_url": f"{platform.llm_url}/v1",
        "model": "gpt-4o-mini", "limits": {"max_reply_chars": 700},
        "business_hours": {"time_zone": "Europe/Moscow",
                           "days": [{"weekday": 1, "open": "09:00", "close": "18:00"}]},
        "outside_hours": "REPLY_ANYWAY", "handoff": {"keywords": ["оператор", "директор"]}})
    assert put.status_code == 200, put.text
    assert "sk-very-secret" not in put.text and put.json()["effective"]["api_key_set"]
    body = put.json()["effective"]
    assert body["limits"]["max_reply_chars"] == 700 and body["limits"]["context_messages"] == 20
    assert body["outside_hours"] == "REPLY_ANYWAY" and body["handoff"]["keywords"] == ["оператор", "директор"]
    override = await seller.http.put("/v1/agent/settings", params={"channel_id": channel},
                                     json={"limits": {"max_reply_chars": 300}, "enabled": False})
    view = override.json()
    assert view["effective"]["limits"]["max_reply_chars"] == 300 and not view["effective"]["enabled"]
    assert view["tenant"]["limits"]["max_reply_chars"] == 700
    assert sorted(view["overridden_fields"]) == ["enabled", "limits.max_reply_chars"]
    reset = await seller.http.put("/v1/agent/settings", params={"channel_id": channel},
                                  json={"reset": ["enabled"]})
    assert reset.json()["effective"]["enabled"] and reset.json()["overridden_fields"] == [
        "limits.max_reply_chars"]

    # Another tenant cannot even name the seller's channel (tests/security/test_ownership.py).
    theirs = await other.http.get("/v1/agent/settings", params={"channel_id": channel})
    assert theirs.status_code == 404 and "sk-very-secret" not in theirs.text
    mine = (await other.http.get("/v1/agent/settings")).json()
    assert not mine["effective"]["enabled"] and not mine["effective"]["api_key_set"]
    assert mine["effective"]["limits"]["max_reply_chars"] == 1000

    async with await reader_of(platform, seller) as reader:
        assert (await reader.get("/v1/agent/settings")).status_code == 200
        denied = await reader.put("/v1/agent/settings", json={"enabled": False})
        assert denied.status_code == 403
        assert denied.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("body, detail", [
    ({"temperature": 7}, "temperature"),
    ({"silence_window_s": 120, "max_wait_s": 60}, "max_wait_s"),
    ({"business_hours": {"time_zone": "Mars/Base", "days": []}}, "time zone"),
    ({"reset": ["no_such_field"]}, "unknown settings field"),
    ({"enabled": None}, "cannot be null"),
    ({"base_url": "ftp://x"}, "base_url"),
])
async def test_bad_settings_are_problems_with_a_reason(seller: Tenant, body: dict[str, object],
                                                       detail: str) -> None:
    resp = await seller.http.put("/v1/agent/settings", json=body)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert detail in resp.json()["detail"]


async def test_preview_usage_and_audit(platform: RunningPlatform, seller: Tenant) -> None:
    await seller.http.put("/v1/agent/settings", json={"enabled": True})
    async with await reader_of(platform, seller) as reader:
        # A preview calls the paid LLM and writes audit rows: write scope (the seller's key).
        preview = await seller.http.post("/v1/agent/preview", json={
            "question": "Можно поговорить с менеджером?",
            "listing": {"title": "Диван", "price_minor": 3499000}})
        assert preview.status_code == 200, preview.text
        assert preview.json()["outcome"] == "handoff" and "менеджер" in preview.json()["reason"]
        empty = await seller.http.post("/v1/agent/preview", json={"question": "Есть доставка?"})
        assert empty.json()["outcome"] == "handoff" and empty.json()["mode"] == "faq"
        usage = (await reader.get("/v1/agent/usage")).json()
        assert usage["previews"] == 2 and usage["replies"] == 0 and usage["from"] and usage["to"]
        audit = (await reader.get("/v1/agent/audit", params={"limit": 1})).json()
        assert len(audit["items"]) == 1 and audit["page"]["has_more"]
        assert audit["items"][0]["preview"]
        page2 = (await reader.get("/v1/agent/audit", params={
            "limit": 1, "cursor": audit["page"]["next_cursor"]})).json()
        assert page2["items"][0]["id"] != audit["items"][0]["id"]
        bad = await reader.get("/v1/agent/usage", params={"from": "2030-01-01T00:00:00Z",
                                                           "to": "2029-01-01T00:00:00Z"})
        assert bad.status_code == 422


async def test_graphql_settings_and_preview(platform: RunningPlatform, seller: Tenant) -> None:
    mutation = """mutation($input: UpdateAgentSettingsInput!) {
      updateAgentSettings(input: $input) {
        effective { enabled apiKeySet silenceWindowS limits { maxReplyChars } }
        overriddenFields channelId } }"""
    channel = str((await platform.connect_sandbox_shop(seller)).channel["id"])
    resp = await seller.http.post("/graphql", json={"query": mutation, "variables": {"input": {
        "channelId": channel, "enabled": True, "silenceWindowS": 5, "apiKey": "sk-gql",
        "limits": {"maxReplyChars": 500}}}})
    data = resp.json()["data"]["updateAgentSettings"]
    assert data["effective"] == {"enabled": True, "apiKeySet": True, "silenceWindowS": 5,
                                 "limits": {"maxReplyChars": 500}}
    assert sorted(data["overriddenFields"]) == ["api_key", "enabled", "limits.max_reply_chars",
                                                "silence_window_s"]
    bad = await seller.http.post("/graphql", json={"query": mutation, "variables": {"input": {
        "temperature": 9}}})
    assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    preview = await seller.http.post("/graphql", json={
        "query": "query($c: ID) { agentPreview(question: \"позовите оператора\", channelId: $c) "
                 "{ outcome reason mode } }", "variables": {"c": channel}})
    assert preview.json()["data"]["agentPreview"]["outcome"] == "handoff"

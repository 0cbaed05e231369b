"""GraphQL has what REST has (issue #16's parity): API keys (list without secrets, create shown
once, revoke refused at once), analytics settings (read, replace, REST's validation), one
channel by id — each admin or read scoped like REST, and another tenant's data unseen."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fixtures.platform import RunningPlatform

KEYS = "query { apiKeys { id name prefix scopes lastUsedAt revokedAt createdBy } }"
CREATE = """mutation($name: String!, $scopes: [String!]!) {
  createApiKey(name: $name, scopes: $scopes) { key apiKey { id name prefix scopes } } }"""
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) }"
SETTINGS = "query { analyticsSettings { timeZone businessHours { weekday open close } } }"
UPDATE = """mutation($input: AnalyticsSettingsInput!) {
  updateAnalyticsSettings(input: $input) { timeZone businessHours { weekday open close } } }"""
CHANNEL = "query($id: ID!) { channel(id: $id) { id name status } }"


async def gql(http: httpx.AsyncClient, query: str, key: str | None = None,
              **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else None
    resp = await http.post("/graphql", json={"query": query, "variables": variables},
                           headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def code(body: dict[str, Any]) -> str:
    return body["errors"][0]["extensions"]["code"]  # type: ignore[no-any-return]


async def test_api_keys_through_graphql(platform: RunningPlatform) -> None:
    seller, other = await platform.new_tenant("Ключи"), await platform.new_tenant("Чужие")
    made = await gql(seller.http, CREATE, name="crm-sync", scopes=["read"])
    assert made.get("errors") is None, made
    created = made["data"]["createApiKey"]
    key, key_id = created["key"], created["apiKey"]["id"]
    assert key.startswith(created["apiKey"]["prefix"] + "_")
    assert created["apiKey"]["scopes"] == ["read"]
    listed = (await gql(seller.http, KEYS))["data"]["apiKeys"]
    mine = next(k for k in listed if k["id"] == key_id)
    assert mine["name"] == "crm-sync" and mine["revokedAt"] is None
    assert all("key" not in k for k in listed)  # no secret is ever listed
    assert (await seller.http.get("/v1/conversations", headers={
        "Authorization": f"Bearer {key}"})).status_code == 200
    assert code(await gql(seller.http, KEYS, key=key)) == "FORBIDDEN"  # read is not admin
    assert code(await gql(seller.http, CREATE, name="x", scopes=["root"])) == "BAD_USER_INPUT"
    assert key_id not in {k["id"] for k in (await gql(other.http, KEYS))["data"]["apiKeys"]}
    assert code(await gql(other.http, REVOKE, id=key_id)) == "NOT_FOUND"
    assert (await gql(seller.http, REVOKE, id=key_id))["data"]["revokeApiKey"] is True
    assert (await seller.http.get("/v1/conversations", headers={
        "Authorization": f"Bearer {key}"})).status_code == 401


async def test_analytics_settings_through_graphql(platform: RunningPlatform) -> None:
    seller, other = await platform.new_tenant("Часы"), await platform.new_tenant("Другие")
    hours = [{"weekday": 1, "open": "10:00", "close": "19:00"},
             {"weekday": 6, "open": "11:00", "close": "24:00"}]
    put = await gql(seller.http, UPDATE, input={"timeZone": "Europe/Moscow",
                                                "businessHours": hours})
    assert put.get("errors") is None, put
    assert put["data"]["updateAnalyticsSettings"] == {"timeZone": "Europe/Moscow",
                                                      "businessHours": hours}
    rest = (await seller.http.get("/v1/analytics/settings")).json()
    assert rest["time_zone"] == "Europe/Moscow" and len(rest["business_hours"]) == 2
    bad = await gql(seller.http, UPDATE, input={"businessHours": [
        {"weekday": 1, "open": "19:00", "close": "10:00"}]})
    assert code(bad) == "BAD_USER_INPUT" and "closes" in bad["errors"][0]["message"]
    zone = await gql(seller.http, UPDATE, input={"timeZone": "Mars/Olympus"})
    assert code(zone) == "BAD_USER_INPUT"
    reader = (await seller.http.post("/v1/api-keys", json={"name": "r", "scopes": ["read"]}
                                     )).json()["key"]
    read = await gql(seller.http, SETTINGS, key=reader)
    assert read["data"]["analyticsSettings"]["timeZone"] == "Europe/Moscow"
    assert code(await gql(seller.http, UPDATE, key=reader, input={})) == "FORBIDDEN"
    assert (await gql(other.http, SETTINGS))["data"]["analyticsSettings"]["timeZone"] == ""


async def test_one_channel_by_id(platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Один канал")
    other = await platform.new_tenant("Не его")
    shop = await platform.connect_sandbox_shop(seller, "Полки")
    got = await gql(seller.http, CHANNEL, id=shop.channel["id"])
    assert got["data"]["channel"] == {"id": shop.channel["id"], "name": "Полки",
                                      "status": "ACTIVE"}
    assert (await gql(other.http, CHANNEL, id=shop.channel["id"]))["data"]["channel"] is None
    assert code(await gql(seller.http, CHANNEL, id="nope")) == "BAD_USER_INPUT"


USAGE = "query { agentUsage { previews replies byModel { model } periodFrom periodTo } }"
AUDIT = """query($first: Int!) { agentAudit(first: $first) {
  edges { node { id outcome reason preview chunkIds createdAt } } pageInfo { hasNextPage } } }"""
REINDEX = """mutation($ids: [ID!]) { reindexKnowledgeDocuments(ids: $ids) {
  name outcome error document { id status chunkCount } } }"""


async def test_agent_usage_audit_and_reindex(platform: RunningPlatform) -> None:
    seller, other = await platform.new_tenant("Аудит"), await platform.new_tenant("Без аудита")
    faq = "вопрос;ответ\nКак оплатить?;Картой или по СБП при получении\n"
    uploaded = await seller.http.post("/v1/agent/knowledge/documents",
                                      files={"files": ("faq.csv", faq.encode(), "text/csv")})
    assert uploaded.status_code == 207, uploaded.text
    document = uploaded.json()["results"][0]["document"]["id"]
    for question in ("Как оплатить?", "Есть доставка в Казань?"):
        previewed = await seller.http.post("/v1/agent/preview", json={"question": question})
        assert previewed.status_code == 200, previewed.text
    usage = (await gql(seller.http, USAGE))["data"]["agentUsage"]
    assert usage["previews"] == 2 and usage["replies"] == 0 and usage["periodTo"] is not None
    page = (await gql(seller.http, AUDIT, first=1))["data"]["agentAudit"]
    assert len(page["edges"]) == 1 and page["pageInfo"]["hasNextPage"] is True
    entries = (await gql(seller.http, AUDIT, first=10))["data"]["agentAudit"]["edges"]
    assert [e["node"]["preview"] for e in entries] == [True, True]
    assert {e["node"]["outcome"] for e in entries} <= {"reply", "handoff"}
    assert (await gql(other.http, AUDIT, first=10))["data"]["agentAudit"]["edges"] == []
    assert (await gql(other.http, USAGE))["data"]["agentUsage"]["previews"] == 0
    done = (await gql(seller.http, REINDEX, ids=[document]))["data"]["reindexKnowledgeDocuments"]
    assert [(r["outcome"], r["document"]["id"]) for r in done] == [("replaced", document)]
    assert done[0]["document"]["chunkCount"] == 1
    [theirs] = (await gql(other.http, REINDEX, ids=[document]))["data"][
        "reindexKnowledgeDocuments"]  # another tenant's document is not found, nothing done
    assert (theirs["outcome"], theirs["error"]) == ("rejected", f"document {document} not found")

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

"""Managing Avito accounts through GraphQL (issue #12: what the Telegram bot needs), against
the emulator: connect, the consent flow, webhook settings and disconnect give what REST gives,
with REST's validation and errors; admin only; another tenant's channel is NOT_FOUND."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures.platform import RunningPlatform, Tenant
from tests.gateway.test_channels_management import consent, emulator_account, subscriptions

pytestmark = pytest.mark.slow

CHANNEL = "id name status authKind webhookUrl webhookEnabled webhookSubscribed signingSecretSet"
CONNECT = f"""mutation($input: ConnectAvitoChannelInput!) {{
  connectAvitoChannel(input: $input) {{ {CHANNEL} }} }}"""
AUTHORIZE = """mutation($name: String!) {
  startAvitoAuthorization(input: {name: $name, sandbox: true}) {
    authorizationUrl state expiresAt } }"""
WEBHOOK = f"""mutation($id: ID!, $enabled: Boolean, $secret: String) {{
  setChannelWebhook(id: $id, enabled: $enabled, signingSecret: $secret) {{ {CHANNEL} }} }}"""
DISCONNECT = f"mutation($id: ID!) {{ disconnectChannel(id: $id) {{ {CHANNEL} }} }}"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("GraphQL channels")


@pytest.fixture
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Another tenant")


async def gql(tenant: Tenant, query: str, api_key: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
    resp = await tenant.http.post("/graphql", json={"query": query, "variables": variables},
                                  headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def error(body: dict[str, Any]) -> tuple[str, str]:
    assert body["data"] is None, body
    [first] = body["errors"]
    return first["extensions"]["code"], first["message"]


def form(account: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": "Через GraphQL", "clientId": account["client_id"],
            "clientSecret": account["client_secret"], "sandbox": True, **extra}


async def test_connect_webhook_and_disconnect(platform: RunningPlatform, seller: Tenant,
                                              other: Tenant) -> None:
    account = await emulator_account(platform, "Шкафы")
    body = await gql(seller, CONNECT, input=form(account, signingSecret="s3cr3t"))
    channel = body["data"]["connectAvitoChannel"]
    assert (channel["status"], channel["authKind"], channel["signingSecretSet"]) == (
        "ACTIVE", "CLIENT_CREDENTIALS", True)
    assert channel["webhookUrl"].startswith(f"{platform.gateway_url}/webhooks/avito/")
    assert await subscriptions(platform, account["user_id"]) == [channel["webhookUrl"]]
    assert account["client_secret"] not in str(body) and "s3cr3t" not in str(body)
    channel_id = channel["id"]

    off = (await gql(seller, WEBHOOK, id=channel_id, enabled=False))["data"]["setChannelWebhook"]
    assert (off["webhookEnabled"], off["webhookSubscribed"]) == (False, False)
    assert off["webhookUrl"].endswith("/****")  # in full only when connected
    assert await subscriptions(platform, account["user_id"]) == []
    cleared = (await gql(seller, WEBHOOK, id=channel_id, secret=""))["data"]["setChannelWebhook"]
    assert (cleared["webhookEnabled"], cleared["signingSecretSet"]) == (False, False)
    assert error(await gql(seller, WEBHOOK, id=channel_id)) == (
        "BAD_USER_INPUT", "Value error, give `enabled`, `signing_secret` or both")
    assert error(await gql(other, WEBHOOK, id=channel_id, enabled=True))[0] == "NOT_FOUND"
    assert error(await gql(other, DISCONNECT, id=channel_id))[0] == "NOT_FOUND"

    gone = (await gql(seller, DISCONNECT, id=channel_id))["data"]["disconnectChannel"]
    assert (gone["id"], gone["status"]) == (channel_id, "DISCONNECTED")
    again = (await gql(seller, CONNECT, input=form(account)))["data"]["connectAvitoChannel"]
    assert (again["id"], again["status"]) == (channel_id, "ACTIVE")


async def test_the_consent_flow_starts_from_graphql(platform: RunningPlatform, seller: Tenant) -> None:
    started = (await gql(seller, AUTHORIZE, name="Согласие"))["data"]["startAvitoAuthorization"]
    assert started["authorizationUrl"].startswith(f"{platform.emulator_url}/oauth?")
    assert started["state"] in started["authorizationUrl"] and started["expiresAt"]
    account = await emulator_account(platform, "Согласный магазин")
    async with httpx.AsyncClient(timeout=30) as browser:
        done = await browser.get(await consent(platform, started["authorizationUrl"],
                                               account["user_id"]))
    assert done.status_code == 200, done.text
    [channel] = (await gql(seller, "{ channels { name authKind status } }"))["data"]["channels"]
    assert channel == {"name": "Согласие", "authKind": "AUTHORIZATION_CODE", "status": "ACTIVE"}


async def test_errors_match_rest(platform: RunningPlatform, seller: Tenant) -> None:
    account = await emulator_account(platform)
    wrong = form(account, clientSecret="wrong")
    rest = await seller.http.post("/v1/channels/avito", json={
        "name": wrong["name"], "client_id": account["client_id"], "client_secret": "wrong",
        "sandbox": True})
    assert rest.status_code == 422, rest.text
    assert error(await gql(seller, CONNECT, input=wrong)) == ("BAD_USER_INPUT",
                                                              rest.json()["detail"])
    code, message = error(await gql(seller, CONNECT, input=form(account, name="")))
    assert code == "BAD_USER_INPUT" and message.startswith("name: String should have at least 1")
    code, message = error(await gql(seller, AUTHORIZE, name="x" * 256))
    assert code == "BAD_USER_INPUT" and message.startswith("name: String should have at most 255")
    malformed = await gql(seller, DISCONNECT, id="not-an-id")
    assert error(malformed)[0] == "BAD_USER_INPUT"
    assert (await gql(seller, "{ channels { id } }"))["data"]["channels"] == []


@pytest.mark.parametrize("scope", ["read", "write"])
async def test_managing_needs_admin(platform: RunningPlatform, seller: Tenant, scope: str) -> None:
    created = await seller.http.post("/v1/api-keys", json={"name": scope, "scopes": [scope]})
    key = created.json()["key"]
    shop = await platform.connect_sandbox_shop(seller, f"Admin's shop ({scope})")
    account = await emulator_account(platform)
    for query, variables in ((CONNECT, {"input": form(account)}), (AUTHORIZE, {"name": "x"}),
                             (WEBHOOK, {"id": shop.channel["id"], "enabled": False}),
                             (DISCONNECT, {"id": shop.channel["id"]})):
        assert error(await gql(seller, query, api_key=key, **variables)) == (
            "FORBIDDEN", "this needs the 'admin' scope")
    assert await subscriptions(platform, shop.user_id) == [shop.channel["webhook_url"]]
    [listed] = (await gql(seller, "{ channels { status } }", api_key=key))["data"]["channels"]
    assert listed == {"status": "ACTIVE"}

"""The agent hands over, and the public API shows it until a person acts: a buyer asking for
an "оператор" (FAQ mode, no model) gets a "needs a manager" conversation — `handoff` with the
reason and kind in REST and GraphQL, the `needs_manager` filter, the live
`conversation.handoff_requested` on an open SSE stream — and a manager's reply clears it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_agent import enable_agent
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.gateway.live import SseReader, sse

pytestmark = pytest.mark.slow

NEEDS_MANAGER = """query { conversations(filter: {needsManager: true}) {
  edges { node { id handoff { reason kind requestedAt } } } } }"""


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Handoff seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def next_of(reader: SseReader, event: str) -> dict[str, Any]:
    """The data of the next event named `event` (others are skipped)."""
    while True:
        frame = await reader.event(within=30)
        if frame.event == event:
            return frame.json  # type: ignore[no-any-return]


async def needing_manager(seller: Tenant) -> list[dict[str, Any]]:
    resp = await seller.http.get("/v1/conversations", params={"needs_manager": "true"})
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]  # type: ignore[no-any-return]


async def test_a_handoff_shows_live_and_in_lists_until_a_manager_replies(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    other = await platform.new_tenant("Bystander seller")
    await enable_agent(seller, shop)
    async with sse(platform.gateway_url, seller.api_key) as (reader, _):
        wrote = await platform.buyer_writes(shop, "Здравствуйте, позовите оператора")
        handed = await next_of(reader, "conversation.handoff_requested")
        conv = handed["conversation"]
        assert conv["external_chat_id"] == wrote["chat_id"] and conv["mode"] == "manager"
        assert conv["handoff"]["kind"] == "keywords" and conv["handoff"]["reason"]
        assert conv["handoff"]["requested_at"]

        [listed] = await needing_manager(seller)
        assert listed["id"] == conv["id"] and listed["handoff"] == conv["handoff"]
        assert await needing_manager(other) == []
        gql = await seller.http.post("/graphql", json={"query": NEEDS_MANAGER})
        [edge] = gql.json()["data"]["conversations"]["edges"]
        assert edge["node"]["id"] == conv["id"] and edge["node"]["handoff"]["kind"] == "keywords"

        reply = await seller.http.post(f"/v1/conversations/{conv['id']}/messages",
                                       json={"text": "Здравствуйте! Я менеджер, слушаю вас"})
        assert reply.status_code in (200, 201), reply.text
        while True:  # the conversation.updated that says a person took it
            updated = await next_of(reader, "conversation.updated")
            if updated["conversation"]["id"] == conv["id"] \
                    and updated["conversation"]["handoff"] is None:
                break
    assert await needing_manager(seller) == []
    shown = (await seller.http.get(f"/v1/conversations/{conv['id']}")).json()
    assert shown["handoff"] is None and shown["mode"] == "manager"
    gql = await seller.http.post("/graphql", json={"query": NEEDS_MANAGER})
    assert gql.json()["data"]["conversations"]["edges"] == []


async def test_openapi_documents_the_handoff_and_its_filter(seller: Tenant) -> None:
    spec = (await seller.http.get("/openapi.json")).json()
    params = {p["name"] for p in spec["paths"]["/v1/conversations"]["get"]["parameters"]}
    assert "needs_manager" in params
    schemas = spec["components"]["schemas"]
    assert set(schemas["HandoffOut"]["properties"]) == {"requested_at", "reason", "kind"}
    assert "handoff" in schemas["ConversationOut"]["properties"]
    events = spec["paths"]["/v1/events"]["get"]["responses"]["200"]["description"]
    assert "conversation.handoff_requested" in events

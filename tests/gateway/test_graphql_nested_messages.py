"""GraphQL's nested `Conversation.messages` against the real platform: a page of 20
conversations with their last messages costs one BatchListMessages call (no ListMessages per
conversation), with the same messages, pageInfo and cursors as ListMessages gives; `after`
pages continue from those cursors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from services.kernel.db import Database
from tests.fixtures.platform import RunningPlatform, Tenant
from tests.gateway.test_graphql import gateway_state, gql

pytestmark = pytest.mark.slow

NESTED = """query($first: Int!) { conversations(first: 20) { edges { node { id
  messages(first: $first) { edges { cursor node { id text } } pageInfo { hasNextPage endCursor } }
} } } }"""
AFTER = """query($id: ID!, $after: String) { conversation(id: $id) {
  messages(first: 3, after: $after) { edges { node { text } } pageInfo { hasNextPage } } } }"""


async def _seed(db: Database, tenant: uuid.UUID, conversations: int) -> dict[str, int]:
    """Conversations with i % 5 messages each (texts "c<i> m<j>", m0 the newest)."""
    counts = {}
    async with db.unit_of_work(tenant) as session:
        for i in range(conversations):
            contact, conversation = uuid.uuid4(), uuid.uuid4()
            await session.execute(text(
                "INSERT INTO conversations.contacts (id, tenant_id, channel_id, external_user_id) "
                "VALUES (:contact, :t, gen_random_uuid(), :u)"),
                {"contact": contact, "t": tenant, "u": f"buyer-{i}"})
            await session.execute(text(
                "INSERT INTO conversations.conversations (id, tenant_id, channel_id, channel_kind, "
                "external_chat_id, contact_id, status, mode, last_message_at) VALUES (:c, :t, "
                "gen_random_uuid(), 1, :chat, :contact, 1, 2, now() - make_interval(mins => :i))"),
                {"c": conversation, "t": tenant, "chat": f"chat-{i}", "contact": contact, "i": i})
            for j in range(i % 5):
                await session.execute(text(
                    "INSERT INTO conversations.messages (id, tenant_id, conversation_id, "
                    "direction, sender, status, text, sent_at) VALUES (gen_random_uuid(), :t, :c, "
                    "1, 1, 1, :x, now() - make_interval(secs => :j))"),
                    {"t": tenant, "c": conversation, "x": f"c{i} m{j}", "j": j})
            counts[str(conversation)] = i % 5
    return counts


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Nested messages seller")


async def test_twenty_nodes_with_messages_cost_one_batch_call(
        platform: RunningPlatform, seller: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    counts = await _seed(platform.db, seller.tenant_id, 20)
    conversations = gateway_state(platform).conversations
    calls: dict[str, list[Any]] = {"batch": [], "single": []}
    batch, single = conversations.batch_list_messages, conversations.list_messages

    async def counted_batch(tenant_id: uuid.UUID, ids: list[str], **kw: Any) -> Any:
        calls["batch"].append((list(ids), kw))
        return await batch(tenant_id, ids, **kw)

    async def counted_single(tenant_id: uuid.UUID, conversation_id: str, **kw: Any) -> Any:
        calls["single"].append((conversation_id, kw))
        return await single(tenant_id, conversation_id, **kw)

    monkeypatch.setattr(conversations, "batch_list_messages", counted_batch)
    monkeypatch.setattr(conversations, "list_messages", counted_single)
    body = await gql(seller, NESTED, first=3)
    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["conversations"]["edges"]]
    assert len(nodes) == 20 and {n["id"] for n in nodes} == set(counts)
    assert len(calls["batch"]) == 1 and calls["single"] == []
    assert sorted(calls["batch"][0][0]) == sorted(counts) and calls["batch"][0][1] == {"page_size": 3}

    for node in nodes:
        i, count = list(counts).index(node["id"]), counts[node["id"]]
        got = node["messages"]
        assert [e["node"]["text"] for e in got["edges"]] == [f"c{i} m{j}" for j in range(min(3, count))]
        alone = await single(seller.tenant_id, node["id"], page_size=3)
        assert [e["node"]["id"] for e in got["edges"]] == [m.id for m in alone.messages]
        assert got["pageInfo"] == {"hasNextPage": alone.page_info.has_more,
                                   "endCursor": alone.page_info.next_cursor or None}
        assert got["pageInfo"]["hasNextPage"] == (count > 3)
        if count > 3:  # the cursor continues where the batch stopped (through ListMessages)
            assert got["edges"][-1]["cursor"] == got["pageInfo"]["endCursor"]
            rest = await gql(seller, AFTER, id=node["id"], after=got["pageInfo"]["endCursor"])
            more = rest["data"]["conversation"]["messages"]
            assert [e["node"]["text"] for e in more["edges"]] == [f"c{i} m{j}" for j in range(3, count)]
            assert more["pageInfo"]["hasNextPage"] is False
    assert len(calls["single"]) == sum(1 for c in counts.values() if c > 3)

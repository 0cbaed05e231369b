"""Buyers' names from channels (contact.updated): a contact without a name takes it, and every
conversation of that contact is announced (conversation.updated) so live views show it; a
known name is kept, a repeat changes and says nothing, another tenant's look-alike contact is
untouched. The real runtime: gRPC, NATS consumers, PostgreSQL."""

from __future__ import annotations

import uuid

from nats.js.api import PubAck

from clients.rpc import topics
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.kernel.bus import Bus
from services.kernel.db import Database
from tests.fixtures.events import eventually, publish_inbound, unified
from tests.services.conversations.bus_helpers import conversation_updates, handled


async def contact_updated(bus: Bus, tenant: uuid.UUID, channel: uuid.UUID, user_id: str,
                          name: str, chat_id: str = "") -> PubAck:
    event = channel_events.ContactUpdated(channel_id=str(channel), external_user_id=user_id,
                                          name=name, external_chat_id=chat_id)
    return await bus.publish(topics.CONTACT_UPDATED.subject(tenant), event.SerializeToString(),
                             msg_id=str(uuid.uuid4()))


async def by_chat(client: ConversationsClient, tenant: uuid.UUID,
                  count: int) -> dict[str, pb.Conversation]:
    async def found() -> dict[str, pb.Conversation] | None:
        items = (await client.list_conversations(tenant)).conversations
        return {c.external_chat_id: c for c in items} if len(items) >= count else None
    return await eventually(found)


async def nameless(bus: Bus, tenant: uuid.UUID, channel: uuid.UUID, chat: str, message: str,
                   buyer: str) -> None:
    """A buyer's message as a webhook brings it: no name."""
    m = unified(channel, chat, message, "здравствуйте", buyer=buyer)
    m.author_name = ""
    await publish_inbound(bus, tenant, m)


async def test_a_nameless_contact_takes_the_name_and_its_conversations_say_so(
        client: ConversationsClient, bus: Bus, db: Database, tenant_a: uuid.UUID,
        tenant_b: uuid.UUID) -> None:
    channel = uuid.uuid4()
    for chat, message, buyer in [("u2i-k1", "k1", "777"), ("u2i-k2", "k2", "777"),
                                 ("u2i-k3", "k3", "778")]:
        await nameless(bus, tenant_a, channel, chat, message, buyer)
    await nameless(bus, tenant_b, channel, "u2i-k1", "k1b", "777")  # a look-alike elsewhere
    await by_chat(client, tenant_a, 3)
    await by_chat(client, tenant_b, 1)

    await contact_updated(bus, tenant_a, channel, "777", "Анна", "u2i-k1")
    named = await by_chat(client, tenant_a, 3)
    await eventually(lambda: _named(client, tenant_a, named["u2i-k2"].id, "Анна"))
    updates = await conversation_updates(bus, db, tenant_a)
    assert sorted(u.conversation.external_chat_id for u in updates) == ["u2i-k1", "u2i-k2"]
    assert {u.conversation.contact.name for u in updates} == {"Анна"}

    # A repeat, and another name for a named contact: nothing changes, nothing is said.
    await contact_updated(bus, tenant_a, channel, "777", "Анна", "u2i-k1")
    ack = await contact_updated(bus, tenant_a, channel, "777", "Не Анна", "u2i-k2")
    await handled(bus, topics.CONVERSATIONS_CONTACTS, ack)
    assert len(await conversation_updates(bus, db, tenant_a)) == 2
    final = await by_chat(client, tenant_a, 3)
    assert final["u2i-k1"].contact.name == final["u2i-k2"].contact.name == "Анна"
    assert final["u2i-k3"].contact.name == ""
    [elsewhere] = (await by_chat(client, tenant_b, 1)).values()
    assert elsewhere.contact.name == ""
    assert await conversation_updates(bus, db, tenant_b) == []


async def test_a_name_from_sync_is_kept_and_an_unknown_contact_is_ignored(
        client: ConversationsClient, bus: Bus, db: Database, tenant_a: uuid.UUID) -> None:
    channel = uuid.uuid4()
    await publish_inbound(bus, tenant_a, unified(channel, "u2i-s1", "s1", "привет",
                                                 buyer="900"))  # the chat object named "Иван"
    await by_chat(client, tenant_a, 1)
    await contact_updated(bus, tenant_a, channel, "900", "Пётр")
    ack = await contact_updated(bus, tenant_a, channel, "901", "Никто")
    await handled(bus, topics.CONVERSATIONS_CONTACTS, ack)
    [conversation] = (await by_chat(client, tenant_a, 1)).values()
    assert conversation.contact.name == "Иван"
    assert await conversation_updates(bus, db, tenant_a) == []


async def _named(client: ConversationsClient, tenant: uuid.UUID, conversation_id: str,
                 name: str) -> bool:
    return (await client.get_conversation(tenant, conversation_id)).contact.name == name

"""The agent's handoff reaching conversations (`conversations-handoffs`) on the real runtime:
a published HandoffRequested opens "needs a manager" on the conversation (REST/GraphQL read it,
the needs_manager filter lists it, live views get conversation.updated and
conversation.handoff_requested); a redelivery changes nothing; the agent's own reply leaves it
open, a person's reply, an assignment, resolving or AI mode clear it. Another tenant sees none."""

from __future__ import annotations

import uuid

from nats.js.api import PubAck

from clients.rpc import topics
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.kernel.bus import Bus
from services.kernel.db import Database
from tests.fixtures.events import eventually, publish_inbound, unified
from tests.services.conversations.bus_helpers import (
    conversation_updates,
    handled,
    relayed_events,
)

NEEDS_MANAGER = pb.ConversationFilter(needs_manager=True)


async def new_conversation(bus: Bus, client: ConversationsClient, tenant: uuid.UUID,
                           chat: str) -> pb.Conversation:
    channel = uuid.uuid4()
    await publish_inbound(bus, tenant, unified(channel, chat, f"{chat}-m1", "позовите оператора"))

    async def found() -> pb.Conversation | None:
        items = (await client.list_conversations(tenant)).conversations
        return next((c for c in items if c.external_chat_id == chat), None)
    return await eventually(found)


async def hand_over(bus: Bus, client: ConversationsClient, tenant: uuid.UUID, conversation_id: str,
                    *, audit_id: str = "", kind: int = agent.HANDOFF_KIND_KEYWORDS) -> tuple[
                        agent.HandoffRequested, PubAck]:
    """What the agent does: manager mode, then handoff_requested with the updated conversation."""
    snapshot = await client.update_conversation(tenant, pb.UpdateConversationRequest(
        id=conversation_id, update_fields=["mode"], mode=pb.CONVERSATION_MODE_MANAGER))
    event = agent.HandoffRequested(conversation=snapshot, reason="Покупатель просит оператора",
                                   kind=kind, audit_id=audit_id or str(uuid.uuid4()))
    return event, await publish_handoff(bus, tenant, event)


async def publish_handoff(bus: Bus, tenant: uuid.UUID, event: agent.HandoffRequested) -> PubAck:
    return await bus.publish(topics.HANDOFF_REQUESTED.subject(tenant), event.SerializeToString(),
                             msg_id=str(uuid.uuid4()))


async def handoff_events(bus: Bus, db: Database, tenant: uuid.UUID) -> list[str]:
    """The conversation ids of every conversation.handoff_requested JetStream holds."""
    found: list[ev.ConversationHandoffRequested] = await relayed_events(
        bus, db, tenant, topics.CONVERSATION_HANDOFF_REQUESTED)
    assert all(e.conversation.handoff.reason for e in found)  # each carries the handoff itself
    return [e.conversation.id for e in found]


async def updates_of(bus: Bus, db: Database, tenant: uuid.UUID,
                     conversation_id: str) -> list[pb.Conversation]:
    return [u.conversation for u in await conversation_updates(bus, db, tenant)
            if u.conversation.id == conversation_id]


async def test_a_handoff_opens_once_and_a_persons_reply_clears_it(
        client: ConversationsClient, bus: Bus, db: Database, tenant_a: uuid.UUID,
        tenant_b: uuid.UUID) -> None:
    conversation = await new_conversation(bus, client, tenant_a, "u2i-h1")
    await new_conversation(bus, client, tenant_b, "u2i-h1")
    event, ack = await hand_over(bus, client, tenant_a, conversation.id)
    await handled(bus, topics.CONVERSATIONS_HANDOFFS, ack)

    shown = await client.get_conversation(tenant_a, conversation.id)
    assert shown.HasField("handoff")
    assert (shown.handoff.reason, shown.handoff.kind) == ("Покупатель просит оператора", "keywords")
    assert shown.handoff.requested_at.ToDatetime() <= shown.updated_at.ToDatetime()
    listed = (await client.list_conversations(tenant_a, filter=NEEDS_MANAGER)).conversations
    assert [c.id for c in listed] == [conversation.id]
    assert not (await client.list_conversations(tenant_b, filter=NEEDS_MANAGER)).conversations
    assert await handoff_events(bus, db, tenant_a) == [conversation.id]
    opened = await updates_of(bus, db, tenant_a, conversation.id)
    assert opened[-1].handoff.kind == "keywords"

    # A redelivery (the same audit id, past JetStream's dedup) changes and says nothing.
    await handled(bus, topics.CONVERSATIONS_HANDOFFS, await publish_handoff(bus, tenant_a, event))
    assert await handoff_events(bus, db, tenant_a) == [conversation.id]
    assert len(await updates_of(bus, db, tenant_a, conversation.id)) == len(opened)

    # The agent's own reply leaves it waiting; a person's reply clears it, and says so.
    await client.send_message(tenant_a, conversation.id, "Сейчас позову",
                              sender=pb.SENDER_KIND_AGENT)
    assert (await client.get_conversation(tenant_a, conversation.id)).HasField("handoff")
    await client.send_message(tenant_a, conversation.id, "Здравствуйте, я менеджер",
                              sender=pb.SENDER_KIND_USER)
    assert not (await client.get_conversation(tenant_a, conversation.id)).HasField("handoff")
    assert not (await client.list_conversations(tenant_a, filter=NEEDS_MANAGER)).conversations
    cleared = await updates_of(bus, db, tenant_a, conversation.id)
    assert len(cleared) == len(opened) + 1 and not cleared[-1].HasField("handoff")

    # The same event once more after a person answered: still nothing.
    await handled(bus, topics.CONVERSATIONS_HANDOFFS, await publish_handoff(bus, tenant_a, event))
    assert not (await client.get_conversation(tenant_a, conversation.id)).HasField("handoff")


async def test_assigning_resolving_or_ai_mode_clear_it_and_a_later_handoff_replaces_it(
        client: ConversationsClient, bus: Bus, tenant_a: uuid.UUID) -> None:
    conversation = await new_conversation(bus, client, tenant_a, "u2i-h2")
    for change in (pb.UpdateConversationRequest(update_fields=["assignee_user_id"],
                                                assignee_user_id=str(uuid.uuid4())),
                   pb.UpdateConversationRequest(update_fields=["status"],
                                                status=pb.CONVERSATION_STATUS_RESOLVED),
                   pb.UpdateConversationRequest(update_fields=["mode"],
                                                mode=pb.CONVERSATION_MODE_BOT)):
        await client.update_conversation(tenant_a, pb.UpdateConversationRequest(
            id=conversation.id, update_fields=["status", "assignee_user_id"],
            status=pb.CONVERSATION_STATUS_OPEN))
        _, ack = await hand_over(bus, client, tenant_a, conversation.id)
        await handled(bus, topics.CONVERSATIONS_HANDOFFS, ack)
        assert (await client.get_conversation(tenant_a, conversation.id)).HasField("handoff")
        change.id = conversation.id
        updated = await client.update_conversation(tenant_a, change)
        assert not updated.HasField("handoff"), change.update_fields

    _, ack = await hand_over(bus, client, tenant_a, conversation.id, kind=agent.HANDOFF_KIND_TOOL)
    await handled(bus, topics.CONVERSATIONS_HANDOFFS, ack)
    _, ack = await hand_over(bus, client, tenant_a, conversation.id,
                             kind=agent.HANDOFF_KIND_NO_ANSWER)
    await handled(bus, topics.CONVERSATIONS_HANDOFFS, ack)
    assert (await client.get_conversation(tenant_a, conversation.id)).handoff.kind == "no_answer"

"""Live events: `conversationEvents` streams the caller's tenant's inbox changes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator

import strawberry

from gateway.conversations.graphql.types import Conversation, Message
from gateway.conversations.live import LiveEvent, tenant_events
from gateway.graphql.context import Info


@strawberry.type
class ConversationEvent:
    type: str = strawberry.field(description=(
        "message.received | message.created | message.status_changed | message.updated | "
        "conversation.updated | conversation.read | note.added"))
    event_id: str = strawberry.field(description="Unique per event: use it to drop repeats")
    conversation: Conversation = strawberry.field(description="The conversation after the event")
    message: Message | None

    @classmethod
    def from_live(cls, event: LiveEvent) -> ConversationEvent:
        return cls(type=event.type, event_id=event.event_id,
                   conversation=Conversation.from_proto(event.conversation),
                   message=Message.from_proto(event.message) if event.message else None)


@strawberry.type
class Subscription:
    @strawberry.subscription(description=(
        "Every conversation event of your tenant from now on. After a reconnect, refetch "
        "`conversations`: events missed while disconnected are not replayed"))
    async def conversation_events(
            self, info: Info) -> AsyncGenerator[ConversationEvent, None]:
        tenant_id = info.context.require("read").tenant_id
        # aclosing: when the client unsubscribes, the NATS subscription goes with it.
        async with contextlib.aclosing(tenant_events(info.context.state.bus, tenant_id)) as events:
            async for event in events:
                yield ConversationEvent.from_live(event)

"""Live events: `conversationEvents` streams the caller's tenant's inbox changes, resumable by
event id (`after`)."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from gateway.conversations.feed import Start, live_feed, valid_event_id
from gateway.conversations.graphql.types import Conversation, Message
from gateway.conversations.live import RESET, LiveEvent
from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input

log = logging.getLogger(__name__)
START = "start"


@strawberry.type
class ConversationEvent:
    type: str = strawberry.field(description=(
        "message.received | message.created | message.status_changed | message.updated | "
        "conversation.updated | conversation.read | note.added | conversation.handoff_requested "
        "(the AI handed over: `conversation.handoff` says why); reset: the events since "
        "`after` cannot be replayed (too old or too many), refetch your lists, the events "
        "from then on follow; start (only with `announceStart`): the position this stream "
        "begins after, no change"))
    event_id: str = strawberry.field(description=(
        "Unique per event, increasing: pass the last one you received as `after` when you "
        "subscribe again"))
    conversation: Conversation | None = strawberry.field(description=(
        "The conversation after the event (null only for reset and start)"))
    message: Message | None
    reason: str | None = strawberry.field(default=None, description="Why, for reset")

    @classmethod
    def from_live(cls, event: LiveEvent) -> ConversationEvent:
        return cls(type=event.type, event_id=event.event_id,
                   conversation=Conversation.from_proto(event.conversation),
                   message=Message.from_proto(event.message) if event.message else None)

    @classmethod
    def started(cls, start: Start) -> ConversationEvent:
        return cls(type=START, event_id=str(start.position), conversation=None, message=None)

    @classmethod
    def reset(cls, start: Start) -> ConversationEvent:
        return cls(type=RESET, event_id=str(start.position), conversation=None, message=None,
                   reason=start.reset)


@strawberry.type
class Subscription:
    @strawberry.subscription(description=(
        "Every conversation event of your tenant from now on, or, with `after`, first those "
        "since that event (for up to SWITCHBOARD_LIVE_REPLAY_WINDOW_S, else a reset event)"))
    async def conversation_events(
            self, info: Info,
            after: Annotated[str | None, strawberry.argument(description=(
                "The eventId of the last event you received: the events since then come "
                "first, in order, each once"))] = None,
            announce_start: Annotated[bool, strawberry.argument(description=(
                "First send a `start` event whose eventId is the position this stream begins "
                "after (SSE's first `id:`), so a client that drops before any event resumes "
                "from there without a gap"))] = False,
    ) -> AsyncGenerator[ConversationEvent, None]:
        tenant_id = info.context.require("read").tenant_id
        if after is not None and not valid_event_id(after):
            raise bad_input("after must be an eventId this API sent")
        # When the client unsubscribes, the generator is closed and the feed's consumer with it.
        async with live_feed(info.context.state, tenant_id, after) as feed:
            if feed.start.reset:
                yield ConversationEvent.reset(feed.start)  # carries the position too
            elif announce_start:
                yield ConversationEvent.started(feed.start)
            async for event in feed.events():
                if (shown := _shown(event)) is not None:
                    yield shown


def _shown(event: LiveEvent) -> ConversationEvent | None:
    try:
        return ConversationEvent.from_live(event)
    except ValueError:
        # A producer's bug must not end every subscription that reaches this event (again on
        # each resume): skip it, a refetch shows the state.
        log.warning("live event not shown", exc_info=True, extra={"event_id": event.event_id})
        return None

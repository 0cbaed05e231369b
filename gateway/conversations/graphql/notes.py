"""GraphQL: a manager's private note on a conversation (`addNote`)."""

from __future__ import annotations

import strawberry

from gateway.conversations.graphql.types import Message
from gateway.conversations.notes import add_note
from gateway.graphql.context import Info


@strawberry.type
class NoteMutation:
    @strawberry.mutation(description=(
        "A private note on a conversation (contentType \"note\", at most 4000 characters): seen "
        "by your team, never sent to the buyer; live clients get note.added. A retry with the "
        "same idempotencyKey returns the first note"))
    async def add_note(self, info: Info, conversation_id: strawberry.ID, text: str,
                       idempotency_key: str | None = None) -> Message:
        principal = info.context.require("write")
        note = await add_note(info.context.state, principal, str(conversation_id), text,
                              idempotency_key=idempotency_key or "")
        return Message.from_proto(note)

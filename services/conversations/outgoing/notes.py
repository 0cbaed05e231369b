"""Private notes: a message row of content_type "note" that the inbox shows and no channel sees.

A note is stored OUTBOUND and SENT so it sits in the timeline like a reply, but it is never
announced as `message.send_requested` (the only thing channels send), and it leaves the
conversation's last message time, preview, unread count and waiting time alone: it answers
nobody. Only `last_note_at` moves (the export of a range finds the conversation by it).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from clients.rpc import topics
from services.conversations import events
from services.conversations.models import Direction, Message, MessageStatus, Sender
from services.conversations.outgoing.keys import check_idempotency_key
from services.conversations.repository import ConversationsUnit
from services.kernel.errors import InvalidArgument, NotFound

NOTE = "note"
MAX_NOTE_TEXT = 4000


class Notes:
    async def add(self, unit: ConversationsUnit, conversation_id: uuid.UUID, text: str, *,
                  author: Sender, author_user_id: uuid.UUID | None,
                  idempotency_key: str = "") -> Message:
        text = text.strip()
        if not text:
            raise InvalidArgument("a note needs text")
        if len(text) > MAX_NOTE_TEXT:
            raise InvalidArgument(f"a note is at most {MAX_NOTE_TEXT} characters")
        if author not in (Sender.USER, Sender.AGENT):
            raise InvalidArgument("a note's author must be USER or AGENT")
        check_idempotency_key(idempotency_key)
        conversation = await unit.conversations.lock(conversation_id)
        if conversation is None:
            raise NotFound(f"conversation {conversation_id} not found")
        messages = unit.messages
        if idempotency_key:
            earlier = await messages.find_by_idempotency_key(conversation_id, idempotency_key)
            if earlier is not None:
                return earlier
        now = datetime.now(UTC)
        note = messages.add(Message(
            id=uuid.uuid4(), tenant_id=conversation.tenant_id, conversation_id=conversation_id,
            direction=Direction.OUTBOUND, sender=author, sender_user_id=author_user_id,
            content_type=NOTE, text=text, attachments=[], status=MessageStatus.SENT,
            idempotency_key=idempotency_key or None, sent_at=now, created_at=now))
        conversation.last_note_at = now
        await unit.announce(topics.NOTE_ADDED, events.note_added, conversation, note)
        return note

"""Inbox rules for reading and acting on conversations. No gRPC, no NATS, no SQL here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.conversations.deletion import Deletions
from services.conversations.domain import (
    MAX_OUTGOING_TEXT,
    UPDATABLE_FIELDS,
    ConversationChanges,
    ConversationFilter,
    Direction,
    MessageStatus,
    Page,
    Sender,
    Sort,
    preview,
)
from services.conversations.events import ConversationEvents
from services.conversations.media import MediaStore, OutgoingAttachment
from services.conversations.models import Contact, Conversation, Message
from services.conversations.notes import Notes
from services.conversations.repository import (
    ContactRepository,
    ConversationRepository,
    ConversationRow,
    MessageRepository,
)
from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound
from services.kernel.repository import page_size

# BatchListMessages: a page of conversations at most (GraphQL pages are at most 100).
MAX_BATCH_CONVERSATIONS = 100


class ConversationsService:
    def __init__(self, events: ConversationEvents) -> None:
        self.events = events
        self.media = MediaStore()
        self.deletions = Deletions(events)
        self.notes = Notes(events)

    async def list_conversations(self, session: AsyncSession, flt: ConversationFilter,
                                 sort: Sort, page: Page) -> tuple[list[ConversationRow], str]:
        return await ConversationRepository(session).list_page(
            flt, sort, page_size(page.size), page.cursor)

    async def get(self, session: AsyncSession, id_: uuid.UUID) -> ConversationRow:
        row = await ConversationRepository(session).get_with_contact(id_)
        if row is None:
            raise NotFound(f"conversation {id_} not found")
        return row

    async def batch_get(self, session: AsyncSession,
                        ids: list[uuid.UUID]) -> list[ConversationRow]:
        if len(ids) > 500:
            raise InvalidArgument("at most 500 ids per batch")
        return await ConversationRepository(session).get_many_with_contacts(ids)

    async def update(self, session: AsyncSession, id_: uuid.UUID,
                     changes: ConversationChanges) -> ConversationRow:
        unknown = changes.fields - UPDATABLE_FIELDS
        if unknown or not changes.fields:
            raise InvalidArgument(
                f"update_fields must name some of {sorted(UPDATABLE_FIELDS)}; got {sorted(unknown)}")
        conversation, contact = await self._locked(session, id_)
        for name in changes.fields:
            value = getattr(changes, name)
            if name in ("status", "mode") and value is None:
                raise InvalidArgument(f"{name} must be set when it is listed in update_fields")
            setattr(conversation, name, value)
        await session.flush()
        self.events.conversation_updated(session, conversation, contact)
        return conversation, contact

    async def list_messages(self, session: AsyncSession, conversation_id: uuid.UUID,
                            page: Page) -> tuple[list[Message], str]:
        await self.get(session, conversation_id)
        return await MessageRepository(session).list_page(
            conversation_id, page_size(page.size), page.cursor)

    async def batch_list_messages(self, session: AsyncSession, conversation_ids: list[uuid.UUID],
                                  size: int) -> dict[uuid.UUID, tuple[list[Message], str]]:
        """The first page of `list_messages` for each distinct id, in request order; ids that
        are not this tenant's conversations have no messages (no NotFound: one unknown id must
        not fail the others)."""
        if len(conversation_ids) > MAX_BATCH_CONVERSATIONS:
            raise InvalidArgument(f"at most {MAX_BATCH_CONVERSATIONS} conversation ids per batch")
        return await MessageRepository(session).newest_of_many(
            list(dict.fromkeys(conversation_ids)), page_size(size))

    async def get_message(self, session: AsyncSession, conversation_id: uuid.UUID,
                          message_id: uuid.UUID) -> Message:
        message = await MessageRepository(session).get(message_id)
        if message is None or message.conversation_id != conversation_id:
            raise NotFound(f"message {message_id} not found in conversation {conversation_id}")
        return message

    async def send(self, session: AsyncSession, conversation_id: uuid.UUID, text: str, *,
                   idempotency_key: str, sender: Sender, sender_user_id: uuid.UUID | None,
                   attachments: Sequence[OutgoingAttachment] = ()) -> Message:
        """Store an outgoing message as pending and ask its channel to send it (the text
        first, then the attachments in order)."""
        text = text.strip()
        if not text and not attachments:
            raise InvalidArgument("a message needs text or attachments")
        if len(text) > MAX_OUTGOING_TEXT:
            raise InvalidArgument(f"text is longer than {MAX_OUTGOING_TEXT} characters")
        if sender not in (Sender.USER, Sender.AGENT):
            raise InvalidArgument("sender must be USER or AGENT")
        conversation, contact = await self._locked(session, conversation_id)
        messages = MessageRepository(session)
        if idempotency_key:
            earlier = await messages.find_by_idempotency_key(conversation_id, idempotency_key)
            if earlier is not None:
                return earlier
        rows = await self.media.attachment_rows(session, attachments)
        content_type = "text" if text else "image"
        now = datetime.now(UTC)
        message = messages.add(Message(
            id=uuid.uuid4(), tenant_id=conversation.tenant_id, conversation_id=conversation_id,
            direction=Direction.OUTBOUND, sender=sender, sender_user_id=sender_user_id,
            content_type=content_type, text=text, attachments=rows, status=MessageStatus.PENDING,
            idempotency_key=idempotency_key or None, sent_at=now, created_at=now))
        conversation.last_message_at = now
        conversation.last_message_preview = preview(text, content_type)
        conversation.waiting_since = None
        await session.flush()
        self.events.send_requested(session, conversation, contact, message)
        return message

    async def mark_read(self, session: AsyncSession, id_: uuid.UUID) -> ConversationRow:
        conversation, contact = await self._locked(session, id_)
        conversation.unread_count = 0
        await session.flush()
        self.events.conversation_read(session, conversation, contact)
        return conversation, contact

    async def _locked(self, session: AsyncSession,
                      id_: uuid.UUID) -> tuple[Conversation, Contact]:
        repo = ConversationRepository(session)
        conversation = await repo.lock(id_)
        if conversation is None:
            raise NotFound(f"conversation {id_} not found")
        contact = await ContactRepository(session).get(conversation.contact_id)
        if contact is None:
            raise FailedPrecondition(f"conversation {id_} has no contact")
        return conversation, contact

"""Inbox rules for reading and acting on conversations. No gRPC, no NATS, no SQL here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from clients.rpc import topics
from services.conversations import events
from services.conversations.canned.service import CannedReplies
from services.conversations.export.queries import ExportPage, ExportRange
from services.conversations.inbox import handoffs, snooze
from services.conversations.inbox.filters import (
    UPDATABLE_FIELDS,
    ConversationChanges,
    ConversationFilter,
    Page,
    Sort,
)
from services.conversations.inbox.queries import ConversationRow
from services.conversations.models import (
    Contact,
    Conversation,
    Direction,
    Message,
    MessageStatus,
    Sender,
    preview,
)
from services.conversations.outgoing.deletion import Deletions
from services.conversations.outgoing.keys import check_idempotency_key
from services.conversations.outgoing.media import MediaStore, OutgoingAttachment
from services.conversations.outgoing.notes import Notes
from services.conversations.quotas.service import MonthlyMessages
from services.conversations.repository import ConversationsUnit
from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound
from services.kernel.repository import page_size

# BatchListMessages: a page of conversations at most (GraphQL pages are at most 100).
MAX_BATCH_CONVERSATIONS = 100
# ExportMessages: messages per page (default, most) and the longest range (a leap year).
EXPORT_PAGE_SIZE, MAX_EXPORT_PAGE_SIZE = 500, 1000
MAX_EXPORT_DAYS = 366
# Longest reply accepted through the API; channels split it to their own limits.
MAX_OUTGOING_TEXT = 10_000


class ConversationsService:
    def __init__(self, messages: MonthlyMessages) -> None:
        self.messages = messages  # the plan's messages_per_month
        self.media = MediaStore()
        self.deletions = Deletions()
        self.notes = Notes()
        self.canned = CannedReplies()

    async def list_conversations(self, unit: ConversationsUnit, flt: ConversationFilter,
                                 sort: Sort, page: Page) -> tuple[list[ConversationRow], str]:
        return await unit.conversations.list_page(
            flt, sort, page_size(page.size), page.cursor)

    async def get(self, unit: ConversationsUnit, id_: uuid.UUID) -> ConversationRow:
        row = await unit.conversations.get_with_contact(id_)
        if row is None:
            raise NotFound(f"conversation {id_} not found")
        return row

    async def batch_get(self, unit: ConversationsUnit,
                        ids: list[uuid.UUID]) -> list[ConversationRow]:
        if len(ids) > 500:
            raise InvalidArgument("at most 500 ids per batch")
        return await unit.conversations.get_many_with_contacts(ids)

    async def update(self, unit: ConversationsUnit, id_: uuid.UUID,
                     changes: ConversationChanges) -> ConversationRow:
        unknown = changes.fields - UPDATABLE_FIELDS
        if unknown or not changes.fields:
            raise InvalidArgument(
                f"update_fields must name some of {sorted(UPDATABLE_FIELDS)}; got {sorted(unknown)}")
        for name in ("status", "mode"):
            if name in changes.fields and getattr(changes, name) is None:
                raise InvalidArgument(f"{name} must be set when it is listed in update_fields")
        if "status" in changes.fields:
            until = snooze.snoozed_until(changes, datetime.now(UTC))
        elif changes.snoozed_until is not None:
            raise InvalidArgument("snoozed_until comes with status snoozed")
        conversation, contact = await self._locked(unit, id_)
        for name in changes.fields:
            setattr(conversation, name, getattr(changes, name))
        if "status" in changes.fields:
            conversation.snoozed_until = until
        if handoffs.clears_on_update(changes):
            handoffs.clear(conversation)
        await unit.flush()
        unit.emit(topics.CONVERSATION_UPDATED, events.conversation_updated(conversation, contact))
        return conversation, contact

    async def list_messages(self, unit: ConversationsUnit, conversation_id: uuid.UUID,
                            page: Page) -> tuple[list[Message], str]:
        await self.get(unit, conversation_id)
        return await unit.messages.list_page(
            conversation_id, page_size(page.size), page.cursor)

    async def batch_list_messages(self, unit: ConversationsUnit, conversation_ids: list[uuid.UUID],
                                  size: int) -> dict[uuid.UUID, tuple[list[Message], str]]:
        """The first page of `list_messages` for each distinct id, in request order; ids that
        are not this tenant's conversations have no messages (no NotFound: one unknown id must
        not fail the others)."""
        if len(conversation_ids) > MAX_BATCH_CONVERSATIONS:
            raise InvalidArgument(f"at most {MAX_BATCH_CONVERSATIONS} conversation ids per batch")
        return await unit.messages.newest_of_many(
            list(dict.fromkeys(conversation_ids)), page_size(size))

    async def export_messages(self, unit: ConversationsUnit, rng: ExportRange, size: int,
                              cursor: str) -> tuple[ExportPage, tuple[int, int] | None]:
        """A page of the range's messages; the first page (no cursor) also says how many
        messages and conversations the whole range holds."""
        if rng.since >= rng.until:
            raise InvalidArgument("from must be before to")
        if (rng.until - rng.since).days >= MAX_EXPORT_DAYS:
            raise InvalidArgument(f"an export covers at most {MAX_EXPORT_DAYS} days")
        if size < 0 or size > MAX_EXPORT_PAGE_SIZE:
            raise InvalidArgument(f"page size must be between 1 and {MAX_EXPORT_PAGE_SIZE}")
        page = await unit.exports.page(rng, size or EXPORT_PAGE_SIZE, cursor)
        return page, None if cursor else await unit.exports.totals(rng)

    async def get_message(self, unit: ConversationsUnit, conversation_id: uuid.UUID,
                          message_id: uuid.UUID) -> Message:
        message = await unit.messages.get(message_id)
        if message is None or message.conversation_id != conversation_id:
            raise NotFound(f"message {message_id} not found in conversation {conversation_id}")
        return message

    async def send(self, unit: ConversationsUnit, conversation_id: uuid.UUID, text: str, *,
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
        check_idempotency_key(idempotency_key)
        conversation, contact = await self._locked(unit, conversation_id)
        messages = unit.messages
        if idempotency_key:
            earlier = await messages.find_by_idempotency_key(conversation_id, idempotency_key)
            if earlier is not None:
                return earlier
        rows = await self.media.attachment_rows(unit, attachments)
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
        answered = handoffs.clears_on_reply(conversation, sender, now)
        await unit.flush()
        unit.emit(topics.MESSAGE_SEND_REQUESTED, events.send_requested(conversation, contact, message))
        if answered:  # a person replied: the conversation no longer needs a manager
            unit.emit(topics.CONVERSATION_UPDATED, events.conversation_updated(conversation, contact))
        # Refused past the plan, the unit rolls back: nothing stored. Last, so the month's
        # counter row (every send and inbound batch of the tenant) is locked only to the commit.
        await self.messages.take_one(unit)
        return message

    async def mark_read(self, unit: ConversationsUnit, id_: uuid.UUID) -> ConversationRow:
        conversation, contact = await self._locked(unit, id_)
        conversation.unread_count = 0
        await unit.flush()
        unit.emit(topics.CONVERSATION_READ, events.conversation_read(conversation, contact))
        return conversation, contact

    async def _locked(self, unit: ConversationsUnit,
                      id_: uuid.UUID) -> tuple[Conversation, Contact]:
        repo = unit.conversations
        conversation = await repo.lock(id_)
        if conversation is None:
            raise NotFound(f"conversation {id_} not found")
        contact = await unit.contacts.get(conversation.contact_id)
        if contact is None:
            raise FailedPrecondition(f"conversation {id_} has no contact")
        return conversation, contact

"""Rules for what channels report: inbound messages, echoes of the seller's own sends, and
delivery outcomes. Every path is idempotent: a redelivered event changes nothing twice."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import orjson

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.conversations import events
from services.conversations.events import attachments_to_rows
from services.conversations.inbox import handoffs
from services.conversations.ingest.metrics import ID_COLLISIONS
from services.conversations.models import (
    DEFAULT_MODE,
    Contact,
    Conversation,
    Direction,
    Message,
    MessageStatus,
    Sender,
    Status,
    preview,
)
from services.conversations.outgoing.deletion import DELETED, mark_deleted
from services.conversations.repository import ConversationsUnit, MessageRepository

log = logging.getLogger(__name__)

# Echoes may arrive before we know the buyer (their chat started elsewhere): a per-chat
# placeholder contact stands in until an inbound message names the buyer.
PLACEHOLDER_PREFIX = "chat:"
# How long after our own send an echo of it can still be recognised by its text.
ECHO_MATCH_WINDOW_S = 600


class Ingestor:

    async def ingest(self, unit: ConversationsUnit, m: common.UnifiedMessage, *,
                     historical: bool = False) -> Message | None:
        """Store one normalized channel message; None when it was already stored.
        `historical`: imported history (backfill), stored as such and never a reason to act."""
        if m.is_echo or m.direction == common.DIRECTION_OUTBOUND:
            return await self._ingest_echo(unit, m, historical)
        contact = await unit.contacts.upsert(
            uuid.UUID(m.channel_id), m.external_user_id or _placeholder(m),
            m.author_name, m.author_phone)
        conversation = await self._conversation_for(unit, m, contact)
        messages = unit.messages
        message = await messages.insert_if_new(_message_values(
            m, conversation.id, Direction.INBOUND, Sender.CONTACT, MessageStatus.RECEIVED,
            historical=historical))
        if message is None:
            stored = await messages.find_external(conversation.id, m.external_message_id)
            if stored is not None:
                note_collision(stored.text, stored.content_type, m, conversation.id)
            return await self._update_deleted(unit, conversation, m, stored)
        await _link_quote(messages, message, m)
        _note_inbound(conversation, m, message)
        await unit.flush()
        unit.emit(topics.MESSAGE_RECEIVED, events.message_received(conversation, contact, message))
        return message

    async def ingest_many(self, unit: ConversationsUnit,
                          batch: Sequence[tuple[common.UnifiedMessage, bool]]) -> list[int]:
        """Store one tenant's batch of (message, historical) in the caller's transaction; the
        positions of those newly stored. Plain buyer messages (the bulk of traffic) take a few
        set-based statements per batch; echoes, deletions and quotes go one by one as in
        `ingest`, after them and in the same transaction."""
        plain = [i for i, (m, _) in enumerate(batch) if _is_plain(m)]
        stored = await self._ingest_plain(unit, [(i, *batch[i]) for i in plain]) if plain else []
        for i, (m, historical) in enumerate(batch):
            if not _is_plain(m) and await self.ingest(unit, m, historical=historical):
                stored.append(i)
        return stored

    async def _ingest_plain(self, unit: ConversationsUnit,
                            items: list[tuple[int, common.UnifiedMessage, bool]]) -> list[int]:
        """`ingest` for plain buyer messages, set-based: contacts, conversations and messages
        in one statement each, then the conversations' counters in one flush. Each message
        event carries its conversation as it stands after the whole batch."""
        contacts = await unit.contacts.upsert_many(
            [(uuid.UUID(m.channel_id), m.external_user_id or _placeholder(m), m.author_name,
              m.author_phone) for _, m, _ in items])
        contact_of = {i: contacts[(uuid.UUID(m.channel_id), m.external_user_id or _placeholder(m))]
                      for i, m, _ in items}
        by_time = sorted(items, key=lambda item: item[1].sent_at.ToNanoseconds())
        conversations = await unit.conversations.insert_many_if_absent(
            [_new_conversation_values(m, contact_of[i]) for i, m, _ in by_time])
        conversation_of = {i: conversations[(uuid.UUID(m.channel_id), m.external_chat_id)]
                           for i, m, _ in items}
        for i, m, _ in by_time:
            await _reconcile(unit, conversation_of[i], contact_of[i], m)
        new = await unit.messages.insert_many_if_new(
            [_message_values(m, conversation_of[i].id, Direction.INBOUND, Sender.CONTACT,
                             MessageStatus.RECEIVED, historical=historical)
             for i, m, historical in items])
        new_by_key = {(n.conversation_id, n.external_message_id): n for n in new}
        stored: list[tuple[int, Message]] = []
        repeats: list[tuple[uuid.UUID, common.UnifiedMessage]] = []
        for i, m, _ in by_time:
            message = new_by_key.pop((conversation_of[i].id, m.external_message_id), None)
            if message is not None:
                _note_inbound(conversation_of[i], m, message)
                stored.append((i, message))
            else:  # a redelivery, a repeat within the batch — or another message, same id
                repeats.append((conversation_of[i].id, m))
        if repeats:
            held = await unit.messages.contents([(c, m.external_message_id) for c, m in repeats])
            for conversation_id, m in repeats:
                if (found := held.get((conversation_id, m.external_message_id))) is not None:
                    note_collision(*found, m, conversation_id)
        await unit.flush()
        for i, message in stored:
            unit.emit(topics.MESSAGE_RECEIVED,
                      events.message_received(conversation_of[i], contact_of[i], message))
        return [i for i, _ in stored]

    async def _ingest_echo(self, unit: ConversationsUnit, m: common.UnifiedMessage,
                           historical: bool = False) -> Message | None:
        """The seller's own message came back: link it to our send, or record an app reply."""
        conversation = await unit.conversations.find_external(
            uuid.UUID(m.channel_id), m.external_chat_id, for_update=True)
        if conversation is None:
            contact = await unit.contacts.upsert(uuid.UUID(m.channel_id), _placeholder(m), "", "")
            conversation = await self._conversation_for(unit, m, contact)
        messages = unit.messages
        stored = await messages.find_external(conversation.id, m.external_message_id)
        if stored is not None:
            return await self._update_deleted(unit, conversation, m, stored)
        if m.content_type == DELETED:
            return None  # never stored (e.g. another part of a multi-part send): nothing to show
        since = datetime.now(UTC) - timedelta(seconds=ECHO_MATCH_WINDOW_S)
        own = await messages.find_own_send_containing(conversation.id, m.text, since) \
            if m.text else None
        if own is None and m.content_type == "image":
            own = await messages.find_own_send_with_images(conversation.id, since)
        if own is not None:
            return await self._link_echo(unit, conversation, own, m)
        message = await messages.insert_if_new(_message_values(
            m, conversation.id, Direction.OUTBOUND, Sender.CHANNEL_APP, MessageStatus.SENT,
            historical=historical))
        if message is None:
            return None
        await _link_quote(messages, message, m)
        if message.sent_at >= conversation.last_message_at:  # a late echo changes no preview
            conversation.last_message_at = message.sent_at
            conversation.last_message_preview = preview(message.text, message.content_type)
            conversation.waiting_since = None
        answered = handoffs.clears_on_reply(conversation, Sender.CHANNEL_APP, message.sent_at)
        await unit.announce(topics.MESSAGE_RECEIVED, events.message_received, conversation, message)
        if answered:  # replied in the channel's app: the conversation no longer needs a manager
            await unit.announce(topics.CONVERSATION_UPDATED, events.conversation_updated,
                                conversation)
        return message

    async def _update_deleted(self, unit: ConversationsUnit, conversation: Conversation,
                              m: common.UnifiedMessage, stored: Message | None) -> Message | None:
        """A message we hold came again: only a deletion changes it (Avito re-sends it with
        type "deleted"); anything else is a redelivery."""
        if stored is None or m.content_type != DELETED or not mark_deleted(stored, _raw_json(m.raw)):
            return None
        await unit.announce(topics.MESSAGE_UPDATED, events.message_updated, conversation, stored)
        return stored

    async def _link_echo(self, unit: ConversationsUnit, conversation: Conversation, own: Message,
                         m: common.UnifiedMessage) -> None:
        """An echo of (a part of) our own send: it proves the channel has it. Only an echo of
        the whole message makes it sent; of one part of several (long texts, images), the
        channel's delivery report decides, as later parts may still fail."""
        if own.external_message_id is None:
            own.external_message_id = m.external_message_id
        whole = not own.attachments and m.text == own.text
        if own.status == MessageStatus.PENDING and whole:
            own.status = MessageStatus.SENT
            await unit.announce(topics.MESSAGE_STATUS_CHANGED, events.status_changed, conversation, own)
        return None

    async def apply_delivery(self, unit: ConversationsUnit,
                             d: channel_events.MessageDelivery) -> Message | None:
        """Record what the channel did with an outbound message."""
        found = await unit.reported(d.message_id, lambda m: _already_applied(m, d))
        if found is None:
            return None
        message, conversation = found
        if d.outcome == channel_events.DELIVERY_OUTCOME_SENT:
            await self._merge_early_echo(unit.messages, message, d.external_message_id)
            message.status = MessageStatus.SENT
            message.external_message_id = message.external_message_id or d.external_message_id or None
            message.failure_reason = ""
        else:
            message.status = MessageStatus.FAILED
            message.failure_reason = d.failure_reason or "the channel did not accept the message"
        await unit.announce(topics.MESSAGE_STATUS_CHANGED, events.status_changed, conversation, message)
        return message

    async def _merge_early_echo(self, messages: MessageRepository, message: Message,
                                external_id: str) -> None:
        """If the echo won the race and was stored as an app reply, fold it into our send."""
        if not external_id or message.external_message_id:
            return
        twin = await messages.find_external(message.conversation_id, external_id)
        if twin is not None and twin.id != message.id and twin.sender == Sender.CHANNEL_APP:
            await messages.delete(twin.id)
            messages.inserted -= not twin.historical  # counted when stored: one message
            await messages.session.flush()

    async def _conversation_for(self, unit: ConversationsUnit, m: common.UnifiedMessage,
                                contact: Contact) -> Conversation:
        conversation = await unit.conversations.insert_if_absent(
            _new_conversation_values(m, contact))
        await _reconcile(unit, conversation, contact, m)
        return conversation


async def _reconcile(unit: ConversationsUnit, conversation: Conversation, contact: Contact,
                     m: common.UnifiedMessage) -> None:
    """What a message teaches an existing conversation: its buyer, its listing."""
    if conversation.contact_id != contact.id and \
                not contact.external_user_id.startswith(PLACEHOLDER_PREFIX):
        old = await unit.contacts.get(conversation.contact_id)
        if old is not None and old.external_user_id.startswith(PLACEHOLDER_PREFIX):
            conversation.contact_id = contact.id
    # Webhooks name the item only; a synced message brings its title, price and picture.
    if m.listing.external_id and (not conversation.listing_external_id or (
            not conversation.listing_title and m.listing.title
            and m.listing.external_id == conversation.listing_external_id)):
        for key, value in _listing_values(m.listing).items():
            setattr(conversation, key, value)


def _new_conversation_values(m: common.UnifiedMessage, contact: Contact) -> dict[str, object]:
    return {"channel_id": uuid.UUID(m.channel_id), "channel_kind": m.channel,
            "external_chat_id": m.external_chat_id, "contact_id": contact.id,
            "status": Status.OPEN, "mode": DEFAULT_MODE,
            "last_message_at": m.sent_at.ToDatetime(tzinfo=UTC), **_listing_values(m.listing)}


def _is_plain(m: common.UnifiedMessage) -> bool:
    """A buyer's message that needs no lookup of earlier ones (no echo, deletion or quote)."""
    return not (m.is_echo or m.direction == common.DIRECTION_OUTBOUND
                or m.content_type == DELETED or m.quoted_external_message_id)


def _note_inbound(conversation: Conversation, m: common.UnifiedMessage, message: Message) -> None:
    # Imported history the seller already read on Avito is neither unread nor waiting.
    if not (message.historical and m.read):
        conversation.unread_count += 1
        conversation.waiting_since = conversation.waiting_since or message.sent_at
    if message.sent_at >= conversation.last_message_at:
        conversation.last_message_at = message.sent_at
        conversation.last_message_preview = preview(message.text, message.content_type)
    if conversation.status in (Status.RESOLVED, Status.SNOOZED) and not message.historical:
        # A buyer writing again reopens the conversation, or wakes it before its time.
        conversation.status, conversation.snoozed_until = Status.OPEN, None


async def _link_quote(messages: MessageRepository, message: Message,
                      m: common.UnifiedMessage) -> None:
    """The quoted message, when we hold it (Avito quotes by its own id)."""
    if m.quoted_external_message_id:
        quoted = await messages.find_external(message.conversation_id,
                                              m.quoted_external_message_id)
        message.quoted_message_id = quoted.id if quoted is not None else None


def note_collision(stored_text: str, stored_type: str, m: common.UnifiedMessage,
                   conversation_id: uuid.UUID) -> None:
    """A buyer message whose external id is stored already, with other content: the first
    stays (the id is the channel's promise of one message), and the clash is logged with both
    texts' hashes (never the texts) — a channel reusing ids would otherwise lose messages
    silently. A deletion reported again, or one of a deleted message, is no clash."""
    if DELETED in (stored_type, m.content_type) or (
            stored_text == m.text and stored_type == (m.content_type or "text")):
        return
    ID_COLLISIONS.inc()
    log.warning("a channel message id came again with other content; the first one is kept",
                extra={"channel_id": m.channel_id, "conversation_id": str(conversation_id),
                       "external_message_id": m.external_message_id,
                       "stored_content_type": stored_type, "new_content_type": m.content_type,
                       "stored_text_sha256": _digest(stored_text),
                       "new_text_sha256": _digest(m.text)})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _placeholder(m: common.UnifiedMessage) -> str:
    return f"{PLACEHOLDER_PREFIX}{m.external_chat_id}"


def _already_applied(message: Message, d: channel_events.MessageDelivery) -> bool:
    """Sent is final: a late failure report (an earlier attempt's) never undoes it."""
    if d.outcome == channel_events.DELIVERY_OUTCOME_SENT:
        return message.status == MessageStatus.SENT and message.external_message_id is not None
    return message.status in (MessageStatus.FAILED, MessageStatus.SENT)


def _message_values(m: common.UnifiedMessage, conversation_id: uuid.UUID, direction: Direction,
                    sender: Sender, status: MessageStatus, *,
                    historical: bool = False) -> dict[str, object]:
    return {
        "conversation_id": conversation_id, "direction": direction, "sender": sender,
        "historical": historical,
        "content_type": m.content_type or "text", "text": m.text,
        "attachments": attachments_to_rows(list(m.attachments)), "status": status,
        "external_message_id": m.external_message_id,
        "raw": _raw_json(m.raw),
        "sent_at": m.sent_at.ToDatetime(tzinfo=UTC)}


def _raw_json(raw: bytes) -> object:
    """The channel's payload, kept for audit; a non-JSON payload is kept as text."""
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {"text": raw.decode(errors="replace")}


def _listing_values(listing: common.Listing) -> dict[str, object]:
    return {"listing_external_id": listing.external_id, "listing_title": listing.title,
            "listing_price_minor": listing.price_minor if listing.has_price else None,
            "listing_url": listing.url, "listing_image_url": listing.image_url}

"""Events this service emits, written to its outbox in the business transaction.

Subjects: sb.conversations.<tenant_id>.<entity>.<event> (catalogue in docs/events.md).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.conversations.mapping import conversation_to_proto, message_to_proto
from services.conversations.models import Contact, Conversation, Message
from services.kernel.bus import subject
from services.kernel.outbox import Outbox
from services.kernel.tenancy import require_tenant

PRODUCER = "conversations"


class ConversationEvents:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def _emit(self, session: AsyncSession, entity: str, name: str, event: object) -> None:
        self.outbox.add(session, subject(PRODUCER, require_tenant(), entity, name), event)  # type: ignore[arg-type]

    def message_received(self, session: AsyncSession, conversation: Conversation,
                         contact: Contact, message: Message) -> None:
        self._emit(session, "message", "received", ev.MessageReceived(
            conversation=conversation_to_proto(conversation, contact),
            message=message_to_proto(message)))

    def send_requested(self, session: AsyncSession, conversation: Conversation,
                       contact: Contact, message: Message) -> None:
        self._emit(session, "message", "send_requested", ev.MessageSendRequested(
            message_id=str(message.id), conversation_id=str(conversation.id),
            channel_id=str(conversation.channel_id),
            external_chat_id=conversation.external_chat_id, text=message.text,
            message=message_to_proto(message),
            conversation=conversation_to_proto(conversation, contact),
            attachments=[pb.OutgoingAttachment(kind=a["kind"], media_id=a["external_id"])
                         for a in message.attachments]))

    def message_updated(self, session: AsyncSession, conversation: Conversation,
                        contact: Contact, message: Message) -> None:
        self._emit(session, "message", "updated", ev.MessageUpdated(
            conversation=conversation_to_proto(conversation, contact),
            message=message_to_proto(message)))

    def delete_requested(self, session: AsyncSession, conversation: Conversation,
                         contact: Contact, message: Message) -> None:
        self._emit(session, "message", "delete_requested", ev.MessageDeleteRequested(
            message_id=str(message.id), conversation_id=str(conversation.id),
            channel_id=str(conversation.channel_id),
            external_chat_id=conversation.external_chat_id,
            external_message_id=message.external_message_id or "",
            message=message_to_proto(message),
            conversation=conversation_to_proto(conversation, contact)))

    def status_changed(self, session: AsyncSession, conversation: Conversation,
                       contact: Contact, message: Message) -> None:
        self._emit(session, "message", "status_changed", ev.MessageStatusChanged(
            conversation=conversation_to_proto(conversation, contact),
            message=message_to_proto(message)))

    def conversation_updated(self, session: AsyncSession, conversation: Conversation,
                             contact: Contact) -> None:
        self._emit(session, "conversation", "updated", ev.ConversationUpdated(
            conversation=conversation_to_proto(conversation, contact)))

    def note_added(self, session: AsyncSession, conversation: Conversation, contact: Contact,
                   note: Message) -> None:
        self._emit(session, "note", "added", ev.NoteAdded(
            conversation=conversation_to_proto(conversation, contact),
            message=message_to_proto(note)))

    def conversation_read(self, session: AsyncSession, conversation: Conversation,
                          contact: Contact) -> None:
        self._emit(session, "conversation", "read", ev.ConversationRead(
            conversation=conversation_to_proto(conversation, contact)))

"""The protobuf this service speaks: rows as `Conversation`/`Message` messages (RPC responses use
them too) and the payload of each event it emits. Builders only: the unit of work emits them
(`unit.emit(topics.<TOPIC>, payload)`, catalogue in clients/rpc/topics.py)."""

from __future__ import annotations

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.conversations.models import Contact, Conversation, Message
from services.kernel.timestamps import timestamp


def conversation_to_proto(c: Conversation, contact: Contact) -> pb.Conversation:
    return pb.Conversation(
        id=str(c.id), channel_id=str(c.channel_id), channel=c.channel_kind,
        external_chat_id=c.external_chat_id,
        contact=pb.Contact(id=str(contact.id), external_user_id=contact.external_user_id,
                           name=contact.name, phone=contact.phone),
        status=c.status, mode=c.mode,
        assignee_user_id=str(c.assignee_user_id) if c.assignee_user_id else "",
        pinned=c.pinned, labels=list(c.labels), unread_count=c.unread_count,
        waiting_since=timestamp(c.waiting_since), last_message_at=timestamp(c.last_message_at),
        last_message_preview=c.last_message_preview,
        listing=common.Listing(
            external_id=c.listing_external_id, title=c.listing_title,
            price_minor=c.listing_price_minor or 0, has_price=c.listing_price_minor is not None,
            url=c.listing_url, image_url=c.listing_image_url),
        created_at=timestamp(c.created_at), updated_at=timestamp(c.updated_at),
        handoff=_handoff(c), snoozed_until=timestamp(c.snoozed_until))


def _handoff(c: Conversation) -> pb.Handoff | None:
    if c.handoff_requested_at is None:
        return None
    return pb.Handoff(requested_at=timestamp(c.handoff_requested_at), reason=c.handoff_reason,
                      kind=c.handoff_kind)


def message_to_proto(m: Message) -> pb.Message:
    return pb.Message(
        id=str(m.id), conversation_id=str(m.conversation_id), direction=m.direction,
        sender=m.sender, sender_user_id=str(m.sender_user_id) if m.sender_user_id else "",
        content_type=m.content_type, text=m.text,
        attachments=[common.Attachment(**a) for a in m.attachments],
        status=m.status, failure_reason=m.failure_reason,
        external_message_id=m.external_message_id or "",
        sent_at=timestamp(m.sent_at), created_at=timestamp(m.created_at),
        quoted_message_id=str(m.quoted_message_id) if m.quoted_message_id else "",
        historical=m.historical)


def attachments_to_rows(attachments: list[common.Attachment]) -> list[dict[str, str]]:
    """Keep only the set fields, so stored JSON stays small and readable."""
    return [{f.name: v for f, v in a.ListFields()} for a in attachments]


def message_received(conversation: Conversation, contact: Contact,
                     message: Message) -> ev.MessageReceived:
    return ev.MessageReceived(conversation=conversation_to_proto(conversation, contact),
                              message=message_to_proto(message))


def send_requested(conversation: Conversation, contact: Contact,
                   message: Message) -> ev.MessageSendRequested:
    return ev.MessageSendRequested(
        message_id=str(message.id), conversation_id=str(conversation.id),
        channel_id=str(conversation.channel_id),
        external_chat_id=conversation.external_chat_id, text=message.text,
        message=message_to_proto(message),
        conversation=conversation_to_proto(conversation, contact),
        attachments=[pb.OutgoingAttachment(kind=a["kind"], media_id=a["external_id"])
                     for a in message.attachments])


def message_updated(conversation: Conversation, contact: Contact,
                    message: Message) -> ev.MessageUpdated:
    return ev.MessageUpdated(conversation=conversation_to_proto(conversation, contact),
                             message=message_to_proto(message))


def delete_requested(conversation: Conversation, contact: Contact,
                     message: Message) -> ev.MessageDeleteRequested:
    return ev.MessageDeleteRequested(
        message_id=str(message.id), conversation_id=str(conversation.id),
        channel_id=str(conversation.channel_id),
        external_chat_id=conversation.external_chat_id,
        external_message_id=message.external_message_id or "",
        message=message_to_proto(message),
        conversation=conversation_to_proto(conversation, contact))


def status_changed(conversation: Conversation, contact: Contact,
                   message: Message) -> ev.MessageStatusChanged:
    return ev.MessageStatusChanged(conversation=conversation_to_proto(conversation, contact),
                                   message=message_to_proto(message))


def conversation_updated(conversation: Conversation, contact: Contact) -> ev.ConversationUpdated:
    return ev.ConversationUpdated(conversation=conversation_to_proto(conversation, contact))


def handoff_requested(conversation: Conversation,
                      contact: Contact) -> ev.ConversationHandoffRequested:
    return ev.ConversationHandoffRequested(
        conversation=conversation_to_proto(conversation, contact))


def note_added(conversation: Conversation, contact: Contact, note: Message) -> ev.NoteAdded:
    return ev.NoteAdded(conversation=conversation_to_proto(conversation, contact),
                        message=message_to_proto(note))


def conversation_read(conversation: Conversation, contact: Contact) -> ev.ConversationRead:
    return ev.ConversationRead(conversation=conversation_to_proto(conversation, contact))

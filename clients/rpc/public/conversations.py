"""The public representation of the conversations payloads, used by the REST API, the live
feed (SSE, GraphQL subscriptions) and outgoing webhooks: one shape everywhere (docs/api.md,
docs/events.md). Fields are only added within v1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field

from clients.rpc import topics
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.kernel.wire import Topic

# The conversations topics third parties see, by their public event name (the catalogue's
# names are internal: a reply waiting for its channel is "message.created" to them): the live
# feed (gateway/conversations/live.py) and outgoing webhooks.
PUBLIC_NAMES: dict[Topic, str] = {
    topics.MESSAGE_RECEIVED: "message.received",
    topics.MESSAGE_SEND_REQUESTED: "message.created",
    topics.MESSAGE_STATUS_CHANGED: "message.status_changed",
    topics.MESSAGE_UPDATED: "message.updated",
    topics.CONVERSATION_UPDATED: "conversation.updated",
    topics.CONVERSATION_READ: "conversation.read",
    topics.NOTE_ADDED: "note.added",  # a private note (the agent's handoff reason)
    # The AI handed over; the conversation's `handoff` holds why and since when.
    topics.CONVERSATION_HANDOFF_REQUESTED: "conversation.handoff_requested",
}

Status = Literal["open", "pending", "snoozed", "resolved"]
Mode = Literal["bot", "manager"]

# A channel kind's public name (channels are named the same way).
CHANNEL_KINDS = {common.CHANNEL_KIND_AVITO: "avito", common.CHANNEL_KIND_TELEGRAM: "telegram"}
STATUS_TO_PB: dict[str, int] = {
    "open": pb.CONVERSATION_STATUS_OPEN, "pending": pb.CONVERSATION_STATUS_PENDING,
    "snoozed": pb.CONVERSATION_STATUS_SNOOZED, "resolved": pb.CONVERSATION_STATUS_RESOLVED}
MODE_TO_PB: dict[str, int] = {"bot": pb.CONVERSATION_MODE_BOT, "manager": pb.CONVERSATION_MODE_MANAGER}
_STATUS = {v: k for k, v in STATUS_TO_PB.items()}
_MODE = {v: k for k, v in MODE_TO_PB.items()}
_MESSAGE_STATUS = {pb.MESSAGE_STATUS_RECEIVED: "received", pb.MESSAGE_STATUS_PENDING: "pending",
                   pb.MESSAGE_STATUS_SENT: "sent", pb.MESSAGE_STATUS_FAILED: "failed"}
_SENDER = {pb.SENDER_KIND_CONTACT: "contact", pb.SENDER_KIND_USER: "user",
           pb.SENDER_KIND_AGENT: "agent", pb.SENDER_KIND_CHANNEL_APP: "channel_app"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _when(ts: Timestamp) -> datetime | None:
    """An aware UTC datetime, or None for an unset Timestamp (clients.rpc may not import the
    kernel's timestamps module: the same conversion, kept here)."""
    if not (ts.seconds or ts.nanos):
        return None
    return _EPOCH + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


class ContactOut(BaseModel):
    id: str
    external_user_id: str
    name: str
    phone: str


class ListingOut(BaseModel):
    external_id: str
    title: str
    price_minor: int | None = Field(description="Price in kopecks; null when unknown")
    url: str
    image_url: str


class HandoffOut(BaseModel):
    """The AI handed the conversation over and no person has acted yet ("needs a manager")."""

    requested_at: datetime | None = Field(description="Since when it waits for a person")
    reason: str = Field(description="Why the AI handed over, in the agent's words")
    kind: str = Field(description="tool, keywords, low_confidence, no_answer, llm_failure, "
                                  "circuit_open, outside_hours or reply_limit")

    @classmethod
    def from_proto(cls, c: pb.Conversation) -> HandoffOut | None:
        if not c.HasField("handoff"):
            return None
        h = c.handoff
        return cls(requested_at=_when(h.requested_at), reason=h.reason, kind=h.kind)


class ConversationOut(BaseModel):
    id: str
    channel_id: str
    channel: str
    external_chat_id: str
    contact: ContactOut
    status: Status
    mode: Mode
    assignee_user_id: str | None
    pinned: bool
    labels: list[str]
    unread_count: int
    waiting_since: datetime | None
    last_message_at: datetime | None
    last_message_preview: str
    listing: ListingOut | None
    created_at: datetime | None
    updated_at: datetime | None
    handoff: HandoffOut | None = Field(
        default=None, description="Set while the AI's handoff waits for a person: cleared by a "
                                  "human reply, an assignment, resolving or AI mode")
    snoozed_until: datetime | None = Field(
        default=None, description="While snoozed: when it is back to open (a buyer's message "
                                  "wakes it sooner)")

    @classmethod
    def from_proto(cls, c: pb.Conversation) -> ConversationOut:
        listing = c.listing
        return cls(
            id=c.id, channel_id=c.channel_id, channel=CHANNEL_KINDS.get(c.channel, "unknown"),
            external_chat_id=c.external_chat_id,
            contact=ContactOut(id=c.contact.id, external_user_id=c.contact.external_user_id,
                               name=c.contact.name, phone=c.contact.phone),
            status=_STATUS[c.status], mode=_MODE[c.mode],  # type: ignore[arg-type]
            assignee_user_id=c.assignee_user_id or None, pinned=c.pinned, labels=list(c.labels),
            unread_count=c.unread_count, waiting_since=_when(c.waiting_since),
            last_message_at=_when(c.last_message_at),
            last_message_preview=c.last_message_preview,
            listing=ListingOut(
                external_id=listing.external_id, title=listing.title,
                price_minor=listing.price_minor if listing.has_price else None, url=listing.url,
                image_url=listing.image_url) if listing.external_id or listing.title else None,
            created_at=_when(c.created_at), updated_at=_when(c.updated_at),
            handoff=HandoffOut.from_proto(c), snoozed_until=_when(c.snoozed_until))


class AttachmentOut(BaseModel):
    kind: str
    url: str = ""
    external_id: str = ""
    title: str = ""
    mime_type: str = ""
    transcript: str = ""


class MessageOut(BaseModel):
    id: str
    conversation_id: str
    direction: Literal["inbound", "outbound"]
    sender: str
    sender_user_id: str | None
    content_type: str
    text: str
    attachments: list[AttachmentOut]
    status: str
    failure_reason: str | None
    external_message_id: str | None
    quoted_message_id: str | None = Field(default=None, description="The message this one quotes")
    historical: bool = Field(default=False, description="Imported with the channel's history "
                                                       "(backfill), not received live")
    sent_at: datetime | None
    created_at: datetime | None

    @classmethod
    def from_proto(cls, m: pb.Message) -> MessageOut:
        return cls(
            id=m.id, conversation_id=m.conversation_id,
            direction="inbound" if m.direction == common.DIRECTION_INBOUND else "outbound",
            sender=_SENDER.get(m.sender, "unknown"), sender_user_id=m.sender_user_id or None,
            content_type=m.content_type, text=m.text,
            attachments=[AttachmentOut(kind=a.kind, url=a.url, external_id=a.external_id,
                                       title=a.title, mime_type=a.mime_type,
                                       transcript=a.transcript) for a in m.attachments],
            status=_MESSAGE_STATUS.get(m.status, "unknown"),
            failure_reason=m.failure_reason or None,
            external_message_id=m.external_message_id or None,
            quoted_message_id=m.quoted_message_id or None, historical=m.historical,
            sent_at=_when(m.sent_at), created_at=_when(m.created_at))

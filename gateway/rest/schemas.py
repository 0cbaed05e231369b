"""REST representations: pydantic models built from the service protos."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.kernel.timestamps import to_datetime

Status = Literal["open", "pending", "snoozed", "resolved"]
Mode = Literal["bot", "manager"]

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
_CHANNEL_KIND = {common.CHANNEL_KIND_AVITO: "avito"}
_CHANNEL_STATUS = {channels_pb.CHANNEL_STATUS_ACTIVE: "active",
                   channels_pb.CHANNEL_STATUS_DISCONNECTED: "disconnected"}
_AUTH_KIND = {channels_pb.AUTH_KIND_CLIENT_CREDENTIALS: "client_credentials",
              channels_pb.AUTH_KIND_AUTHORIZATION_CODE: "authorization_code"}


def _time(ts: Timestamp) -> datetime | None:
    """Protobuf leaves unset timestamps at the epoch; the API says null."""
    return to_datetime(ts)


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

    @classmethod
    def from_proto(cls, c: pb.Conversation) -> ConversationOut:
        listing = c.listing
        return cls(
            id=c.id, channel_id=c.channel_id, channel=_CHANNEL_KIND.get(c.channel, "unknown"),
            external_chat_id=c.external_chat_id,
            contact=ContactOut(id=c.contact.id, external_user_id=c.contact.external_user_id,
                               name=c.contact.name, phone=c.contact.phone),
            status=_STATUS[c.status], mode=_MODE[c.mode],  # type: ignore[arg-type]
            assignee_user_id=c.assignee_user_id or None, pinned=c.pinned, labels=list(c.labels),
            unread_count=c.unread_count, waiting_since=_time(c.waiting_since),
            last_message_at=_time(c.last_message_at), last_message_preview=c.last_message_preview,
            listing=ListingOut(
                external_id=listing.external_id, title=listing.title,
                price_minor=listing.price_minor if listing.has_price else None, url=listing.url,
                image_url=listing.image_url) if listing.external_id or listing.title else None,
            created_at=_time(c.created_at), updated_at=_time(c.updated_at))


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
            sent_at=_time(m.sent_at), created_at=_time(m.created_at))


class ChannelOut(BaseModel):
    id: str
    kind: str
    name: str
    status: str
    external_account_id: str
    external_account_name: str
    auth_kind: Literal["client_credentials", "authorization_code", "unknown"] = Field(
        description="The seller's own client_id/secret, or authorized through our partner app")
    webhook_url: str = Field(description="Shown in full once, when the account is connected")
    webhook_enabled: bool = Field(description="Whether webhook deliveries are wanted")
    webhook_subscribed: bool = Field(description="Whether Avito had the URL when last checked")
    signing_secret_set: bool
    last_webhook_at: datetime | None = Field(description="Last delivery (to the minute)")
    last_sync_at: datetime | None
    created_at: datetime | None

    @classmethod
    def from_proto(cls, c: channels_pb.Channel) -> ChannelOut:
        return cls(id=c.id, kind=_CHANNEL_KIND.get(c.kind, "unknown"), name=c.name,
                   status=_CHANNEL_STATUS.get(c.status, "unknown"),
                   external_account_id=c.external_account_id,
                   external_account_name=c.external_account_name,
                   auth_kind=_AUTH_KIND.get(c.auth_kind, "unknown"),  # type: ignore[arg-type]
                   webhook_url=c.webhook_url, webhook_enabled=c.webhook_enabled,
                   webhook_subscribed=c.webhook_subscribed,
                   signing_secret_set=c.signing_secret_set,
                   last_webhook_at=_time(c.last_webhook_at), last_sync_at=_time(c.last_sync_at),
                   created_at=_time(c.created_at))


class DiagnosticCheckOut(BaseModel):
    name: str = Field(description="public_url, credentials, messenger_access, "
                                  "webhook_subscription, last_webhook, sync (or status)")
    ok: bool
    message: str = Field(description="What was found")
    fix: str = Field(description="What to do about it (empty when ok)")


class ChannelDiagnosticsOut(BaseModel):
    ok: bool = Field(description="Every check passed")
    channel: ChannelOut
    checks: list[DiagnosticCheckOut]

    @classmethod
    def from_proto(cls, d: channels_pb.GetChannelDiagnosticsResponse) -> ChannelDiagnosticsOut:
        checks = [DiagnosticCheckOut(name=c.name, ok=c.ok, message=c.message, fix=c.fix)
                  for c in d.checks]
        return cls(ok=all(c.ok for c in checks), channel=ChannelOut.from_proto(d.channel),
                   checks=checks)


class PageOut(BaseModel):
    next_cursor: str | None
    has_more: bool


class ConversationList(BaseModel):
    items: list[ConversationOut]
    page: PageOut


class MessageList(BaseModel):
    items: list[MessageOut]
    page: PageOut


class ChannelList(BaseModel):
    items: list[ChannelOut]
    page: PageOut

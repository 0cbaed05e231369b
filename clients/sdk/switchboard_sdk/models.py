"""What the API returns, as typed dataclasses: the inbox, channels, live events, pages, uploads.

Every field a newer server may leave out has a default, fields the SDK does not know are
ignored, and enum values it does not know yet are kept (`OpenEnum`): an SDK older than the
server keeps working. The agent's and the knowledge base's types are in `agent.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from switchboard_sdk._codec import OpenEnum

T = TypeVar("T")


class ChannelKind(OpenEnum):
    AVITO = "AVITO"
    TELEGRAM = "TELEGRAM"  # a Telegram bot buyers write to (a customer channel)


class ChannelStatus(OpenEnum):
    ACTIVE = "ACTIVE"
    DISCONNECTED = "DISCONNECTED"


class AuthKind(OpenEnum):
    """CLIENT_CREDENTIALS: the seller's own client id and secret; AUTHORIZATION_CODE: authorized
    through the platform's partner app."""

    CLIENT_CREDENTIALS = "CLIENT_CREDENTIALS"
    AUTHORIZATION_CODE = "AUTHORIZATION_CODE"


class ConversationStatus(OpenEnum):
    OPEN = "OPEN"
    PENDING = "PENDING"
    SNOOZED = "SNOOZED"
    RESOLVED = "RESOLVED"


class ConversationMode(OpenEnum):
    """BOT: the AI agent answers; MANAGER: humans answer."""

    BOT = "BOT"
    MANAGER = "MANAGER"


class ConversationSort(OpenEnum):
    RECENT = "RECENT"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"


class Direction(OpenEnum):
    """Seen from the seller: INBOUND is buyer -> seller."""

    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class SenderKind(OpenEnum):
    """CHANNEL_APP: the seller wrote in the channel's own app."""

    CONTACT = "CONTACT"
    USER = "USER"
    AGENT = "AGENT"
    CHANNEL_APP = "CHANNEL_APP"


class MessageStatus(OpenEnum):
    RECEIVED = "RECEIVED"
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"


class BlockReason(OpenEnum):
    SPAM = "SPAM"
    FRAUD = "FRAUD"
    INSULTS = "INSULTS"
    OTHER = "OTHER"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; pass `end_cursor` as `after` for the next (None: this was the last)."""

    items: list[T]
    end_cursor: str | None = None

    @property
    def has_next_page(self) -> bool:
        return self.end_cursor is not None


@dataclass(frozen=True)
class Contact:
    id: str
    external_user_id: str = ""
    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Listing:
    """The listing a conversation is about. `price_minor` is in kopecks (None when unknown or
    beyond GraphQL's 32-bit Int: `price_rub` is always there when a price is)."""

    external_id: str | None = None
    title: str | None = None
    price_minor: int | None = None
    price_rub: float | None = None
    url: str | None = None
    image_url: str | None = None


@dataclass(frozen=True)
class Attachment:
    """kind: image | voice | video | file | link | location | item."""

    kind: str
    url: str | None = None
    external_id: str | None = None
    title: str | None = None
    mime_type: str | None = None
    transcript: str | None = None


@dataclass(frozen=True)
class Message:
    id: str
    conversation_id: str
    direction: Direction = Direction.INBOUND
    sender: SenderKind = SenderKind.CONTACT
    sender_user_id: str | None = None
    content_type: str = "text"
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    status: MessageStatus = MessageStatus.RECEIVED
    failure_reason: str | None = None
    external_message_id: str | None = None
    quoted_message_id: str | None = None
    sent_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Channel:
    id: str
    kind: ChannelKind = ChannelKind.AVITO
    name: str = ""
    status: ChannelStatus = ChannelStatus.ACTIVE
    external_account_id: str = ""
    external_account_name: str | None = None
    webhook_url: str | None = None  # its secret token masked
    webhook_subscribed: bool = False
    auth_kind: AuthKind | None = None
    webhook_enabled: bool = True
    signing_secret_set: bool = False
    last_webhook_at: datetime | None = None
    last_sync_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class DiagnosticCheck:
    """name: public_url, credentials, messenger_access, webhook_subscription, last_webhook,
    sync (or status); `fix` says what to do when not ok."""

    name: str
    ok: bool
    message: str = ""
    fix: str | None = None


@dataclass(frozen=True)
class ChannelDiagnostics:
    ok: bool
    channel: Channel
    checks: list[DiagnosticCheck] = field(default_factory=list)


@dataclass(frozen=True)
class CannedReply:
    """A saved answer; its text may use {buyer_name}, {buyer_phone}, {listing_title},
    {listing_url} and {price}."""

    id: str
    title: str = ""
    text: str = ""
    shortcut: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class RenderedCannedReply:
    """A canned reply's text for one conversation: `missing` variables had no value (rendered
    empty), `unknown` names in braces are no variable (left as written)."""

    text: str = ""
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Handoff:
    """The AI handed the conversation over and no person has acted yet ("needs a manager"):
    `kind` is tool, keywords, low_confidence, no_answer, llm_failure, circuit_open,
    outside_hours or reply_limit (a newer server may add kinds)."""

    requested_at: datetime | None = None
    reason: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Conversation:
    id: str
    channel_id: str
    channel_kind: ChannelKind = ChannelKind.AVITO
    external_chat_id: str = ""
    contact: Contact | None = None
    status: ConversationStatus = ConversationStatus.OPEN
    mode: ConversationMode = ConversationMode.BOT
    assignee_user_id: str | None = None
    pinned: bool = False
    labels: list[str] = field(default_factory=list)
    unread_count: int = 0
    waiting_since: datetime | None = None  # None when the buyer has an answer
    last_message_at: datetime | None = None
    last_message_preview: str | None = None
    listing: Listing | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    channel: Channel | None = None  # filled by `conversation()`, not by lists
    # Set while the AI's handoff waits for a person; None once someone replied, took it
    # (assigned), resolved it or returned it to the AI.
    handoff: Handoff | None = None
    snoozed_until: datetime | None = None  # while snoozed: when it is back to open


# The `type` of a ConversationEvent.
MESSAGE_RECEIVED = "message.received"
MESSAGE_CREATED = "message.created"
MESSAGE_STATUS_CHANGED = "message.status_changed"
MESSAGE_UPDATED = "message.updated"
CONVERSATION_UPDATED = "conversation.updated"
CONVERSATION_READ = "conversation.read"
NOTE_ADDED = "note.added"
CONVERSATION_HANDOFF_REQUESTED = "conversation.handoff_requested"  # see Conversation.handoff


@dataclass(frozen=True)
class ConversationEvent:
    """A change in your inbox: `type` is one of the constants above (a newer server may add
    types: skip those you do not know), the conversation as it is after the event, and the
    message it is about, if any."""

    type: str
    event_id: str
    conversation: Conversation
    message: Message | None = None


@dataclass(frozen=True)
class ResetEvent:
    """The events since the `after` you resumed from cannot be replayed (too old, too many, or
    an id this server never gave): refetch your lists; the events from `event_id` on follow."""

    event_id: str
    reason: str = ""


LiveEvent = ConversationEvent | ResetEvent


@dataclass(frozen=True)
class Media:
    """An uploaded image, to attach to a reply by `media_id`."""

    media_id: str
    size: int = 0

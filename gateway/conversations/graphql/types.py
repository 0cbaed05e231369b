"""The inbox's GraphQL types: conversations, their contact and listing, messages.

Built from the conversations service's protobuf messages (nulls as in gateway/graphql/values.py).
Enum members carry the proto numbers, which makes conversion a lookup.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common_pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.channels.graphql import Channel, ChannelKind
from gateway.graphql.context import Context, Info
from gateway.graphql.pagination import Connection, connection, page_size
from gateway.graphql.values import optional, optional_id, timestamp

# GraphQL Int is 32-bit: kopecks above this (21.4 M rubles) are only exact in priceRub.
MAX_INT32 = 2**31 - 1


@strawberry.enum
class ConversationStatus(Enum):
    OPEN = pb.CONVERSATION_STATUS_OPEN
    PENDING = pb.CONVERSATION_STATUS_PENDING
    SNOOZED = pb.CONVERSATION_STATUS_SNOOZED
    RESOLVED = pb.CONVERSATION_STATUS_RESOLVED


@strawberry.enum(description="BOT: the AI agent answers; MANAGER: humans answer")
class ConversationMode(Enum):
    BOT = pb.CONVERSATION_MODE_BOT
    MANAGER = pb.CONVERSATION_MODE_MANAGER


@strawberry.enum
class ConversationSort(Enum):
    RECENT = pb.CONVERSATION_SORT_RECENT
    PRICE_ASC = pb.CONVERSATION_SORT_PRICE_ASC
    PRICE_DESC = pb.CONVERSATION_SORT_PRICE_DESC


@strawberry.enum
class MessageStatus(Enum):
    RECEIVED = pb.MESSAGE_STATUS_RECEIVED
    PENDING = pb.MESSAGE_STATUS_PENDING
    SENT = pb.MESSAGE_STATUS_SENT
    FAILED = pb.MESSAGE_STATUS_FAILED


@strawberry.enum(description="CHANNEL_APP: the seller wrote in the channel's own app")
class SenderKind(Enum):
    CONTACT = pb.SENDER_KIND_CONTACT
    USER = pb.SENDER_KIND_USER
    AGENT = pb.SENDER_KIND_AGENT
    CHANNEL_APP = pb.SENDER_KIND_CHANNEL_APP


@strawberry.enum(description="Seen from the seller: INBOUND is buyer -> seller")
class Direction(Enum):
    INBOUND = common_pb.DIRECTION_INBOUND
    OUTBOUND = common_pb.DIRECTION_OUTBOUND


@strawberry.type
class Contact:
    id: strawberry.ID
    external_user_id: str
    name: str | None
    phone: str | None


@strawberry.type(description="The listing a conversation is about")
class Listing:
    external_id: str | None
    title: str | None
    price_minor: int | None = strawberry.field(
        description="Price in kopecks; null when unknown or above 2^31-1 (use priceRub)")
    price_rub: float | None
    url: str | None
    image_url: str | None

    @classmethod
    def from_proto(cls, item: common_pb.Listing) -> Listing | None:
        if not (item.external_id or item.title or item.url or item.has_price):
            return None
        minor = item.price_minor if item.has_price else None
        return cls(external_id=optional(item.external_id), title=optional(item.title),
                   price_minor=minor if minor is not None and minor <= MAX_INT32 else None,
                   price_rub=minor / 100 if minor is not None else None,
                   url=optional(item.url), image_url=optional(item.image_url))


@strawberry.type
class Attachment:
    kind: str = strawberry.field(description="image | voice | video | file | link | location | item")
    url: str | None
    external_id: str | None
    title: str | None
    mime_type: str | None
    transcript: str | None


@strawberry.type
class Message:
    id: strawberry.ID
    conversation_id: strawberry.ID
    direction: Direction
    sender: SenderKind
    sender_user_id: strawberry.ID | None
    content_type: str
    text: str
    attachments: list[Attachment]
    status: MessageStatus
    failure_reason: str | None
    external_message_id: str | None
    quoted_message_id: strawberry.ID | None = strawberry.field(
        description="The message this one quotes")
    sent_at: datetime | None
    created_at: datetime | None

    @classmethod
    def from_proto(cls, m: pb.Message) -> Message:
        return cls(
            id=strawberry.ID(m.id), conversation_id=strawberry.ID(m.conversation_id),
            direction=Direction(m.direction), sender=SenderKind(m.sender),
            sender_user_id=optional_id(m.sender_user_id), content_type=m.content_type, text=m.text,
            attachments=[Attachment(kind=a.kind, url=optional(a.url),
                                    external_id=optional(a.external_id),
                                    title=optional(a.title), mime_type=optional(a.mime_type),
                                    transcript=optional(a.transcript))
                         for a in m.attachments],
            status=MessageStatus(m.status), failure_reason=optional(m.failure_reason),
            external_message_id=optional(m.external_message_id),
            quoted_message_id=optional_id(m.quoted_message_id),
            sent_at=timestamp(m, "sent_at"), created_at=timestamp(m, "created_at"))


async def message_page(context: Context, conversation_id: str, first: int,
                       after: str | None) -> Connection[Message]:
    tenant_id = context.require("read").tenant_id
    resp = await context.state.conversations.list_messages(
        tenant_id, conversation_id, page_size=page_size(first), cursor=after or "")
    return connection([Message.from_proto(m) for m in resp.messages], resp.page_info)


@strawberry.type(description="The AI handed the conversation over and no person has acted yet")
class Handoff:
    requested_at: datetime | None = strawberry.field(description="Since when it waits for a person")
    reason: str = strawberry.field(description="Why the AI handed over, in the agent's words")
    kind: str = strawberry.field(description=(
        "tool | keywords | low_confidence | no_answer | llm_failure | circuit_open | "
        "outside_hours | reply_limit"))

    @classmethod
    def from_proto(cls, c: pb.Conversation) -> Handoff | None:
        if not c.HasField("handoff"):
            return None
        return cls(requested_at=timestamp(c.handoff, "requested_at"), reason=c.handoff.reason,
                   kind=c.handoff.kind)


@strawberry.type
class Conversation:
    id: strawberry.ID
    channel_id: strawberry.ID
    channel_kind: ChannelKind
    external_chat_id: str
    contact: Contact
    status: ConversationStatus
    mode: ConversationMode
    assignee_user_id: strawberry.ID | None
    pinned: bool
    labels: list[str]
    unread_count: int
    waiting_since: datetime | None = strawberry.field(
        description="Since when the buyer has been waiting for an answer; null when answered")
    last_message_at: datetime | None
    last_message_preview: str | None
    listing: Listing | None
    created_at: datetime | None
    updated_at: datetime | None
    handoff: Handoff | None = strawberry.field(description=(
        "Set while the AI's handoff waits for a person (\"needs a manager\"): cleared by a human "
        "reply, an assignment, resolving or AI mode"))
    snoozed_until: datetime | None = strawberry.field(default=None, description=(
        "While snoozed: when it is back to open (a buyer's message wakes it sooner)"))

    @strawberry.field(description="The channel account; one batched call for a whole page")
    async def channel(self, info: Info) -> Channel | None:
        found = await info.context.loaders.channels.load(str(self.channel_id))
        return Channel.from_proto(found) if found is not None else None

    @strawberry.field(description="Newest first; `after` pages towards older messages. The "
                                  "first pages of a whole page of conversations: one batched call")
    async def messages(self, info: Info, first: int = 50,
                       after: str | None = None) -> Connection[Message]:
        info.context.require("read")
        resp = await info.context.loaders.messages.load((str(self.id), page_size(first),
                                                         after or ""))
        return connection([Message.from_proto(m) for m in resp.messages], resp.page_info)

    @classmethod
    def from_proto(cls, c: pb.Conversation) -> Conversation:
        return cls(
            id=strawberry.ID(c.id), channel_id=strawberry.ID(c.channel_id),
            channel_kind=ChannelKind(c.channel), external_chat_id=c.external_chat_id,
            contact=Contact(id=strawberry.ID(c.contact.id),
                            external_user_id=c.contact.external_user_id,
                            name=optional(c.contact.name), phone=optional(c.contact.phone)),
            status=ConversationStatus(c.status), mode=ConversationMode(c.mode),
            assignee_user_id=optional_id(c.assignee_user_id), pinned=c.pinned, labels=list(c.labels),
            unread_count=c.unread_count, waiting_since=timestamp(c, "waiting_since"),
            last_message_at=timestamp(c, "last_message_at"),
            last_message_preview=optional(c.last_message_preview),
            listing=Listing.from_proto(c.listing),
            created_at=timestamp(c, "created_at"), updated_at=timestamp(c, "updated_at"),
            handoff=Handoff.from_proto(c), snoozed_until=timestamp(c, "snoozed_until"))

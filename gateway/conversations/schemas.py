"""REST representations of the inbox: conversations, messages, what a seller sends and does."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb

# The public shapes (REST, the live feed, outgoing webhooks) live in clients.rpc.public;
# re-exported here, where the gateway imports them.
from clients.rpc.public.conversations import (
    MODE_TO_PB,
    STATUS_TO_PB,
    AttachmentOut,
    ContactOut,
    ConversationOut,
    HandoffOut,
    ListingOut,
    MessageOut,
    Mode,
    Status,
)
from gateway.schemas import PageOut

BlockReason = Literal["spam", "fraud", "insults", "other"]

BLOCK_REASONS: dict[str, int] = {
    "spam": channels_pb.BLACKLIST_REASON_SPAM, "fraud": channels_pb.BLACKLIST_REASON_FRAUD,
    "insults": channels_pb.BLACKLIST_REASON_INSULTS, "other": channels_pb.BLACKLIST_REASON_OTHER}

__all__ = ["BLOCK_REASONS", "MODE_TO_PB", "STATUS_TO_PB", "AttachmentOut", "BlockReason",
           "BlockRequest", "BlockedOut", "ContactOut", "ConversationList", "ConversationOut",
           "ConversationPatch", "HandoffOut", "ListingOut", "MediaOut", "MessageList",
           "MessageOut", "Mode", "NewMessage", "OutgoingAttachment", "Status"]


class ConversationList(BaseModel):
    items: list[ConversationOut]
    page: PageOut


class MessageList(BaseModel):
    items: list[MessageOut]
    page: PageOut


class ConversationPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    mode: Mode | None = None
    assignee_user_id: str | None = None
    pinned: bool | None = None
    labels: list[str] | None = Field(default=None, max_length=50)
    snoozed_until: datetime | None = Field(
        default=None, description="Required with status `snoozed`: when it wakes (in the "
                                  "future, at most 90 days ahead; UTC when it names no zone)")


class OutgoingAttachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["image"]
    media_id: str = Field(min_length=1, max_length=64, description="From POST /v1/media")


class NewMessage(BaseModel):
    """Text, images, or both: the text goes out first, then the images in order."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=10_000)
    attachments: list[OutgoingAttachment] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _not_empty(self) -> NewMessage:
        if not self.text.strip() and not self.attachments:
            raise ValueError("give text, attachments or both")
        return self


class MediaOut(BaseModel):
    media_id: str
    size: int


class BlockRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: BlockReason = "other"


class BlockedOut(BaseModel):
    conversation_id: str
    external_user_id: str
    reason: BlockReason

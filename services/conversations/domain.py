"""Enums and value types of the inbox, shared by service, repository and mapping.

Values are the proto enum numbers, so rows, domain and wire agree without translation tables.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import IntEnum

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb

# How long after our own send an echo of it can still be recognised by its text.
ECHO_MATCH_WINDOW_S = 600
# Longest reply accepted through the API; channels split it to their own limits.
MAX_OUTGOING_TEXT = 10_000
PREVIEW_LENGTH = 280


class Status(IntEnum):
    OPEN = pb.CONVERSATION_STATUS_OPEN
    PENDING = pb.CONVERSATION_STATUS_PENDING
    SNOOZED = pb.CONVERSATION_STATUS_SNOOZED
    RESOLVED = pb.CONVERSATION_STATUS_RESOLVED


class Mode(IntEnum):
    BOT = pb.CONVERSATION_MODE_BOT
    MANAGER = pb.CONVERSATION_MODE_MANAGER


class MessageStatus(IntEnum):
    RECEIVED = pb.MESSAGE_STATUS_RECEIVED
    PENDING = pb.MESSAGE_STATUS_PENDING
    SENT = pb.MESSAGE_STATUS_SENT
    FAILED = pb.MESSAGE_STATUS_FAILED


class Sender(IntEnum):
    CONTACT = pb.SENDER_KIND_CONTACT
    USER = pb.SENDER_KIND_USER
    AGENT = pb.SENDER_KIND_AGENT
    CHANNEL_APP = pb.SENDER_KIND_CHANNEL_APP


class Direction(IntEnum):
    INBOUND = common.DIRECTION_INBOUND
    OUTBOUND = common.DIRECTION_OUTBOUND


class Sort(IntEnum):
    RECENT = pb.CONVERSATION_SORT_RECENT
    PRICE_ASC = pb.CONVERSATION_SORT_PRICE_ASC
    PRICE_DESC = pb.CONVERSATION_SORT_PRICE_DESC


# A new conversation is handled by humans until the AI agent is configured for it.
DEFAULT_MODE = Mode.MANAGER

UPDATABLE_FIELDS = frozenset({"status", "mode", "assignee_user_id", "pinned", "labels"})


@dataclass(frozen=True)
class ConversationFilter:
    status: Status | None = None
    mode: Mode | None = None
    unread_only: bool = False
    channel_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ConversationChanges:
    """A partial update: only the names in `fields` apply."""

    fields: frozenset[str]
    status: Status | None = None
    mode: Mode | None = None
    assignee_user_id: uuid.UUID | None = None
    pinned: bool = False
    labels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    size: int
    cursor: str = ""


def preview(text: str, content_type: str) -> str:
    body = text.strip() or f"[{content_type}]"
    return body if len(body) <= PREVIEW_LENGTH else body[: PREVIEW_LENGTH - 1] + "…"

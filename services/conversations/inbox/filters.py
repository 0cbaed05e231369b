"""What the inbox asks for: which conversations (filter, sort, page) and what may change.

Sort values are the proto enum numbers, as everywhere in this service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import IntEnum

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.conversations.models import Mode, Status

UPDATABLE_FIELDS = frozenset({"status", "mode", "assignee_user_id", "pinned", "labels"})


class Sort(IntEnum):
    RECENT = pb.CONVERSATION_SORT_RECENT
    PRICE_ASC = pb.CONVERSATION_SORT_PRICE_ASC
    PRICE_DESC = pb.CONVERSATION_SORT_PRICE_DESC


@dataclass(frozen=True)
class ConversationFilter:
    status: Status | None = None
    mode: Mode | None = None
    unread_only: bool = False
    channel_id: uuid.UUID | None = None
    needs_manager: bool = False  # an open handoff (inbox/handoffs.py)


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

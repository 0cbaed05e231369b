"""What the inbox asks for: which conversations (filter, sort, page) and what may change.

Sort values are the proto enum numbers, as everywhere in this service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.conversations.models import Mode, Status
from services.kernel.errors import InvalidArgument

MAX_FILTER_LABELS = 10
MAX_QUERY_LENGTH = 200
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
    assignee_user_id: uuid.UUID | None = None
    unassigned: bool = False  # assigned to no one (never with assignee_user_id)
    labels: tuple[str, ...] = ()  # each must be on the conversation
    query: str = ""  # search (inbox/search.py); "" = none

    def __post_init__(self) -> None:
        if self.unassigned and self.assignee_user_id is not None:
            raise InvalidArgument("filter by an assignee or by unassigned, not both")
        if len(self.labels) > MAX_FILTER_LABELS:
            raise InvalidArgument(f"filter by at most {MAX_FILTER_LABELS} labels")
        if len(self.query) > MAX_QUERY_LENGTH:
            raise InvalidArgument(f"a search is at most {MAX_QUERY_LENGTH} characters")


@dataclass(frozen=True)
class ConversationChanges:
    """A partial update: only the names in `fields` apply."""

    fields: frozenset[str]
    status: Status | None = None
    mode: Mode | None = None
    assignee_user_id: uuid.UUID | None = None
    pinned: bool = False
    labels: list[str] = field(default_factory=list)
    snoozed_until: datetime | None = None  # with status SNOOZED (inbox/snooze.py)


@dataclass(frozen=True)
class Page:
    size: int
    cursor: str = ""

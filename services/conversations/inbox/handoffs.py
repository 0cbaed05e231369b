"""The agent's handoff on a conversation ("needs a manager"): when it opens and what clears it.

Rules on the row only (no SQL, no bus): the consumer (`consumers.py`) and the actions that
clear it (`service.py`, `ingest/inbound.py`) call them and emit what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent
from services.conversations.inbox.filters import ConversationChanges
from services.conversations.models import Conversation, Mode, Sender, Status

KIND_PREFIX = "HANDOFF_KIND_"
# A reply by a person on the seller's side: in the inbox or API, or in the channel's own app.
HUMAN_SENDERS = frozenset({Sender.USER, Sender.CHANNEL_APP})


@dataclass(frozen=True)
class HandoffRequest:
    event_id: str  # what makes a redelivery recognisable (the agent's audit id or the msg id)
    requested_at: datetime
    reason: str
    kind: str


def kind_name(kind: int) -> str:
    """The agent's HandoffKind as clients see it: "keywords", "no_answer", ... ("unspecified"
    for a number this build does not know: a newer agent's kind still opens the handoff)."""
    try:
        name = agent.HandoffKind.Name(kind)  # type: ignore[arg-type]
    except ValueError:
        return "unspecified"
    return name.removeprefix(KIND_PREFIX).lower()


def is_open(c: Conversation) -> bool:
    return c.handoff_requested_at is not None


def open_handoff(c: Conversation, request: HandoffRequest, *, human_replied_since: bool) -> bool:
    """Record the handoff on the conversation; True when it now shows (a change to announce).

    A redelivery changes nothing; an older handoff than the one shown does not replace it; a
    handoff a person already answered (replied since, returned to AI, resolved) stays closed.
    """
    if c.handoff_event_id == request.event_id:
        return False
    if c.handoff_requested_at is not None and c.handoff_requested_at > request.requested_at:
        return False
    c.handoff_event_id = request.event_id
    if human_replied_since or c.mode == Mode.BOT or c.status == Status.RESOLVED:
        return False
    c.handoff_requested_at = request.requested_at
    c.handoff_reason, c.handoff_kind = request.reason, request.kind
    return True


def clear(c: Conversation) -> bool:
    """A person acted: the conversation no longer waits for one. True when it was open."""
    if c.handoff_requested_at is None:
        return False
    c.handoff_requested_at = None
    c.handoff_reason = c.handoff_kind = ""
    return True


def clears_on_reply(c: Conversation, sender: Sender, sent_at: datetime) -> bool:
    """A human reply sent at or after the handoff clears it (the agent's own never does)."""
    if sender not in HUMAN_SENDERS or c.handoff_requested_at is None \
            or sent_at < c.handoff_requested_at:
        return False
    return clear(c)


def clears_on_update(changes: ConversationChanges) -> bool:
    """Assigned to someone, resolved, or back to AI mode: a person took it."""
    return (("assignee_user_id" in changes.fields and changes.assignee_user_id is not None)
            or ("status" in changes.fields and changes.status == Status.RESOLVED)
            or ("mode" in changes.fields and changes.mode == Mode.BOT))


def requested_at(snapshot_updated_at: datetime | None) -> datetime:
    """Since when: the agent's mode change (the event's conversation), never in the future."""
    now = datetime.now(UTC)
    return min(snapshot_updated_at, now) if snapshot_updated_at is not None else now

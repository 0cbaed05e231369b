"""The projection's rules, pure: what a conversation's messages and state mean, and what they
add to the hourly aggregates.

Everything is derived from the set of facts, never from the order events arrived in: a reply's
wait starts at the first buyer message after the previous reply; the first reply with a wait is
the first response; the conversation awaits an answer from the first buyer message after its
last reply. A change is applied as the difference between the conversation's contributions
before and after it, so a redelivery (no change) adds nothing, a late message moves the samples
it changes, and a new listing or assignee moves the conversation's figures to its new key.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.analytics.metrics.business_hours import BusinessHours, business_seconds
from services.analytics.metrics.histogram import bucket_of
from services.analytics.models import ConversationFact, MessageFact

COUNT = -1  # the bucket of a plain count
RESOLVED = 4  # conversations.v1.ConversationStatus RESOLVED


@dataclass(frozen=True)
class Dims:
    channel_id: uuid.UUID
    listing_id: str
    assignee: str


@dataclass(frozen=True)
class Increment:
    dims: Dims
    hour: datetime
    metric: str
    bucket: int
    delta: int


Tally = Counter[tuple[datetime, str, int]]


def dims_of(conv: ConversationFact) -> Dims:
    return Dims(conv.channel_id, conv.listing_id, conv.assignee)


def hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _order(m: MessageFact) -> tuple[datetime, int, str]:
    return m.at, 0 if m.direction == "in" else 1, str(m.message_id)


def derive(conv: ConversationFact, messages: Sequence[MessageFact],
           hours: BusinessHours) -> None:
    """Sets each reply's wait (measured again only when its start moved) and the
    conversation's first reply, awaiting_since and ai_replied_at from the messages."""
    wait_from: datetime | None = None
    conv.first_reply_id = conv.ai_replied_at = None
    for m in sorted(messages, key=_order):
        if m.direction == "in":
            wait_from = wait_from or m.at
            continue
        if m.sender == "ai" and conv.ai_replied_at is None:
            conv.ai_replied_at = m.at
        if m.wait_from != wait_from:
            m.wait_from = wait_from
            m.reply_s = None if wait_from is None else (m.at - wait_from).total_seconds()
            m.reply_business_s = (None if wait_from is None
                                  else business_seconds(wait_from, m.at, hours))
        if wait_from is not None and conv.first_reply_id is None:
            conv.first_reply_id = m.message_id
        wait_from = None
    conv.awaiting_since = wait_from


def contributions(conv: ConversationFact, messages: Iterable[MessageFact]) -> Tally:
    """What the conversation adds to the aggregates, by (hour, metric, bucket)."""
    tally: Tally = Counter()
    tally[(hour_of(conv.started_at), "conversations_started", COUNT)] += 1
    if conv.resolved_at is not None:
        tally[(hour_of(conv.resolved_at), "resolved", COUNT)] += 1
        seconds = (conv.resolved_at - conv.started_at).total_seconds()
        tally[(hour_of(conv.resolved_at), "resolution", bucket_of(max(0.0, seconds)))] += 1
    if conv.handed_off_at is not None:
        tally[(hour_of(conv.handed_off_at), "handed_off", COUNT)] += 1
    if conv.ai_replied_at is not None:
        tally[(hour_of(conv.ai_replied_at), "ai_answered", COUNT)] += 1
    for m in messages:
        hour = hour_of(m.at)
        tally[(hour, "messages_in" if m.direction == "in" else "messages_out", COUNT)] += 1
        if m.reply_s is None or m.reply_business_s is None:
            continue
        tally[(hour, "reply", bucket_of(m.reply_s))] += 1
        tally[(hour, "reply_business", bucket_of(m.reply_business_s))] += 1
        if m.message_id == conv.first_reply_id:
            tally[(hour, "first_response", bucket_of(m.reply_s))] += 1
            tally[(hour, "first_response_business", bucket_of(m.reply_business_s))] += 1
    return tally


def difference(before: tuple[Dims, Tally] | None, after: tuple[Dims, Tally]) -> list[Increment]:
    """The increments that turn `before` (None: nothing yet) into `after`, in key order (so
    concurrent projections lock the aggregate rows in one order)."""
    delta: Counter[tuple[Dims, datetime, str, int]] = Counter()
    if before is not None:
        for (hour, metric, bucket), n in before[1].items():
            delta[(before[0], hour, metric, bucket)] -= n
    for (hour, metric, bucket), n in after[1].items():
        delta[(after[0], hour, metric, bucket)] += n
    keys = sorted((k for k, n in delta.items() if n), key=lambda k: (
        str(k[0].channel_id), k[0].listing_id, k[0].assignee, k[1], k[2], k[3]))
    return [Increment(k[0], k[1], k[2], k[3], delta[k]) for k in keys]


@dataclass(frozen=True)
class Snapshot:
    """The conversation as an event showed it."""

    channel_id: uuid.UUID
    listing_id: str
    listing_title: str
    assignee: str
    status: int
    created_at: datetime
    updated_at: datetime | None


def apply_snapshot(conv: ConversationFact, snap: Snapshot) -> None:
    """Takes the snapshot's state unless the conversation already showed a newer one; the
    first time it is resolved stays its resolution."""
    if conv.state_at is not None and snap.updated_at is not None and snap.updated_at < conv.state_at:
        return
    if snap.listing_id:  # enrichment adds a listing, an older snapshot never takes it away
        conv.listing_id, conv.listing_title = snap.listing_id, snap.listing_title
    conv.assignee = snap.assignee
    if snap.status == RESOLVED and conv.status != RESOLVED and conv.resolved_at is None:
        conv.resolved_at = max(snap.updated_at or snap.created_at, conv.started_at)
    conv.status = snap.status
    conv.state_at = snap.updated_at or conv.state_at

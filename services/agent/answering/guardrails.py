"""What must hold before the agent answers anything: checked first, on every due reply.

Skip (nothing to do): the conversation is not in bot mode, it is resolved, its last message is
already ours, or what waits is not a live buyer message (system, deleted, imported history).
Hand over: the per-hour reply cap is reached, or the shop is closed under the HANDOFF policy.
Hold: the shop is closed under HOLD_UNTIL_OPEN (the reply waits for the opening time).
Handoff reasons are in Russian: the managers read them in the conversation's note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.settings.rules import OutsideHours, Settings

# Content a buyer did not write to us: nothing to answer.
NOT_FOR_US = frozenset({"system", "deleted", "call", "note"})


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "skipped" | "handoff" | "held"
    reason: str
    kind: int = agent_events.HANDOFF_KIND_UNSPECIFIED
    hold_until: datetime | None = None


def check(settings: Settings, conversation: conv_pb.Conversation,
          timeline: list[conv_pb.Message], replies_last_hour: int, now: datetime) -> Verdict | None:
    """None when the agent may answer; `timeline` is newest first, notes excluded."""
    if conversation.mode != conv_pb.CONVERSATION_MODE_BOT:
        return Verdict("skipped", "the conversation is not in bot mode")
    if conversation.status == conv_pb.CONVERSATION_STATUS_RESOLVED:
        return Verdict("skipped", "the conversation is resolved")
    latest = timeline[0] if timeline else None
    if latest is None or latest.sender != conv_pb.SENDER_KIND_CONTACT:
        return Verdict("skipped", "the last message is already ours")
    if latest.content_type in NOT_FOR_US or latest.historical:
        return Verdict("skipped", f"nothing to answer ({latest.content_type or 'empty'} message)")
    if replies_last_hour >= settings.replies_per_hour:
        return Verdict("handoff", f"достигнут лимит автоответов ({settings.replies_per_hour} в час)",
                       agent_events.HANDOFF_KIND_REPLY_LIMIT)
    return hours_verdict(settings, now)


def hours_verdict(settings: Settings, now: datetime) -> Verdict | None:
    if is_open(settings, now) or settings.outside_hours == OutsideHours.REPLY_ANYWAY:
        return None
    if settings.outside_hours == OutsideHours.HANDOFF:
        return Verdict("handoff", "покупатель написал в нерабочее время",
                       agent_events.HANDOFF_KIND_OUTSIDE_HOURS)
    return Verdict("held", "outside business hours", hold_until=next_open(settings, now))


def is_open(settings: Settings, now: datetime) -> bool:
    """No days configured means always open."""
    if not settings.days:
        return True
    local = now.astimezone(ZoneInfo(settings.time_zone))
    minute = local.hour * 60 + local.minute
    return any(d.weekday == local.isoweekday() and d.open_minute <= minute < d.close_minute
               for d in settings.days)


def next_open(settings: Settings, now: datetime) -> datetime:
    """The next opening time after `now` (within a week; days exist when this is asked)."""
    zone = ZoneInfo(settings.time_zone)
    local = now.astimezone(zone)
    for ahead in range(8):
        day = (local + timedelta(days=ahead)).date()
        for d in settings.days:
            if d.weekday != day.isoweekday():
                continue
            opening = datetime(day.year, day.month, day.day, d.open_minute // 60,
                               d.open_minute % 60, tzinfo=zone)
            if opening > local:
                return opening
    return now + timedelta(days=1)  # unreachable with at least one configured day

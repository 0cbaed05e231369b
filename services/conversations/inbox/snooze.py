"""Snooze: a conversation put aside until a time, then back in the inbox.

`PATCH status=snoozed` needs `snoozed_until`, in the future and at most `MAX_SNOOZE` ahead;
any other status clears it. A snoozed conversation wakes (status open, `conversation.updated`)
when the platform job `conversations.wake_snoozed` finds it due (`Waker.round`, fired by the
scheduling service; no timer here), or at once when the buyer writes (ingest/inbound.py).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from clients.rpc import topics
from clients.rpc.platform_jobs import RoundOutcome
from services.conversations import events
from services.conversations.inbox.filters import ConversationChanges
from services.conversations.models import Conversation, Status
from services.conversations.repository import ConversationsUnit
from services.kernel.errors import InvalidArgument
from services.kernel.unit import Units

log = logging.getLogger(__name__)

MAX_SNOOZE = timedelta(days=90)
WAKE_BATCH = 200  # conversations woken per round; a full round makes the job due again


def snoozed_until(changes: ConversationChanges, now: datetime) -> datetime | None:
    """The conversation's `snoozed_until` after `changes` (which name status); InvalidArgument
    for a snooze without a time, in the past or too far ahead, or a time without a snooze."""
    until = changes.snoozed_until
    if changes.status != Status.SNOOZED:
        if until is not None:
            raise InvalidArgument("snoozed_until is only for status snoozed")
        return None
    if until is None:
        raise InvalidArgument("snoozed_until is required with status snoozed")
    if until <= now:
        raise InvalidArgument("snoozed_until must be in the future")
    if until > now + MAX_SNOOZE:
        raise InvalidArgument(f"snoozed_until is at most {MAX_SNOOZE.days} days ahead")
    return until


def wake(conversation: Conversation) -> bool:
    """Back to open if snoozed; whether it changed."""
    if conversation.status != Status.SNOOZED:
        return False
    conversation.status, conversation.snoozed_until = Status.OPEN, None
    return True


class Waker:
    """The round of `conversations.wake_snoozed`: the due ones of every tenant (a read-only
    definer function), each woken in its tenant's unit under its row lock, so a round that
    overlaps another, a buyer's message or a manager's change wakes it once or not at all."""

    def __init__(self, units: Units[ConversationsUnit],
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 batch: int = WAKE_BATCH) -> None:
        self._units, self._now, self._batch = units, now, batch

    async def round(self, deadline_s: float) -> RoundOutcome:
        """Up to `batch` due conversations, taking no more work once `deadline_s` passed;
        `remaining` 1 (due again at once) when the batch was full or the deadline cut it."""
        now, started = self._now(), time.monotonic()
        async with self._units.tenantless() as unit:
            due = await unit.conversations.snoozed_due(now, self._batch)
        woken = failed = 0
        found, cut = len(due), False
        for done, (tenant_id, conversation_id) in enumerate(due):
            if time.monotonic() - started > deadline_s:
                due, cut = due[:done], True
                break
            try:
                woken += await self._wake(tenant_id, conversation_id, now)
            except Exception:  # the next round finds it still due
                log.exception("waking a snoozed conversation failed",
                              extra={"conversation_id": str(conversation_id)})
                failed += 1
        return RoundOutcome(processed=len(due), failed=failed,
                            remaining=int(found >= self._batch or cut),
                            detail=f"{woken} woken" if due else "nothing due")

    async def _wake(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID,
                    now: datetime) -> bool:
        async with self._units(tenant_id) as unit:
            conversation = await unit.conversations.lock(conversation_id)
            if conversation is None or conversation.snoozed_until is None \
                    or conversation.snoozed_until > now or not wake(conversation):
                return False  # changed since it was found
            await unit.announce(topics.CONVERSATION_UPDATED, events.conversation_updated,
                                conversation)
            return True

"""SQL of the answering side: pending replies (the debounce waits and their leases) and running
summaries. Flushes, never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.agent.answering.models import ConversationSummary, PendingReply
from services.kernel.tenancy import require_tenant


@dataclass(frozen=True)
class Claim:
    """A due pending reply leased to one scheduler."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    channel_id: uuid.UUID
    revision: int
    attempts: int
    message_ids: tuple[uuid.UUID, ...]
    first_unanswered_at: datetime

    @property
    def idempotency_key(self) -> str:
        """Stable across retries and replicas of this very wait (not of the next one)."""
        return f"agent:{self.id}:{self.revision}"


# The scheduler's two cross-tenant needs, in a tenantless unit (RLS shows it nothing else):
# definer functions of migration 0011, one statement per batch.
_CLAIM_DUE = text("SELECT id, tenant_id, conversation_id, channel_id, revision, attempts, "
                  "message_ids, first_unanswered_at "
                  "FROM agent.claim_due_replies(:now, :lease, :limit)")
_NEXT_DUE = text("SELECT agent.next_reply_due(:now)")


class PendingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(self, conversation_id: uuid.UUID, channel_id: uuid.UUID,
                     message_id: uuid.UUID, now: datetime, silence: timedelta,
                     max_wait: timedelta) -> PendingReply | None:
        """Note a buyer message: start the wait, or extend it (never past first + max wait).

        None when this message was already counted (a redelivered event)."""
        table = PendingReply.__table__
        stmt = insert(PendingReply).values(
            id=uuid.uuid4(), tenant_id=require_tenant(), conversation_id=conversation_id,
            channel_id=channel_id, first_unanswered_at=now, last_buyer_message_at=now,
            due_at=now + min(silence, max_wait), message_ids=[message_id], state="waiting")
        last = func.greatest(table.c.last_buyer_message_at, stmt.excluded.last_buyer_message_at)
        stmt = stmt.on_conflict_do_update(
            index_elements=[PendingReply.tenant_id, PendingReply.conversation_id],
            set_={"last_buyer_message_at": last,
                  "due_at": func.least(last + silence, table.c.first_unanswered_at + max_wait),
                  "message_ids": func.array_append(table.c.message_ids, message_id),
                  "revision": table.c.revision + 1, "state": "waiting", "updated_at": func.now()},
            where=~table.c.message_ids.contains([message_id]),
        ).returning(PendingReply)
        return (await self.session.scalars(
            stmt, execution_options={"populate_existing": True})).first()

    async def of_conversation(self, conversation_id: uuid.UUID) -> PendingReply | None:
        return (await self.session.scalars(select(PendingReply).where(
            PendingReply.conversation_id == conversation_id))).first()

    async def cancel(self, conversation_id: uuid.UUID) -> bool:
        result = await self.session.execute(delete(PendingReply).where(
            PendingReply.conversation_id == conversation_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def next_due(self, now: datetime) -> datetime | None:
        """When the earliest wait not leased elsewhere ends (tenantless unit: every tenant)."""
        due: datetime | None = await self.session.scalar(_NEXT_DUE, {"now": now})
        return due

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[Claim]:
        """Lease due rows of every tenant (tenantless unit); a row leased elsewhere is skipped.
        `attempts` counts this run."""
        rows = await self.session.execute(_CLAIM_DUE, {"now": now, "lease": lease, "limit": limit})
        return [Claim(r.id, r.tenant_id, r.conversation_id, r.channel_id, r.revision,
                      r.attempts, tuple(r.message_ids), r.first_unanswered_at) for r in rows]

    async def complete(self, claim: Claim, silence: timedelta) -> bool:
        """Done with this wait. If the buyer wrote again meanwhile, a new wait starts from that
        message (the row stays, without the messages just answered); True if the row went."""
        gone = await self.session.execute(delete(PendingReply).where(
            PendingReply.id == claim.id, PendingReply.revision == claim.revision))
        if gone.rowcount:  # type: ignore[attr-defined]
            return True
        answered = list(claim.message_ids)
        await self.session.execute(
            update(PendingReply).where(PendingReply.id == claim.id).values(
                message_ids=_without(answered),
                first_unanswered_at=PendingReply.last_buyer_message_at,
                due_at=PendingReply.last_buyer_message_at + silence,
                locked_until=None, attempts=0, state="waiting"))
        return False

    async def hold(self, claim: Claim, until: datetime) -> None:
        """Outside business hours: try again when the shop opens. If the buyer wrote meanwhile,
        just end the lease: the new wait runs its course and is checked again."""
        held = await self.session.execute(update(PendingReply).where(
            PendingReply.id == claim.id, PendingReply.revision == claim.revision).values(
            due_at=until, locked_until=None, attempts=0, state="held"))
        if not held.rowcount:  # type: ignore[attr-defined]
            await self.session.execute(update(PendingReply).where(PendingReply.id == claim.id)
                                       .values(locked_until=None, attempts=0))

    async def release(self, claim: Claim, retry_at: datetime, error: str) -> None:
        """A failed run: keep the row, try again at `retry_at`."""
        await self.session.execute(update(PendingReply).where(PendingReply.id == claim.id).values(
            locked_until=retry_at, last_error=error[:1000]))

    async def drop(self, claim: Claim) -> None:
        await self.session.execute(delete(PendingReply).where(PendingReply.id == claim.id))


def _without(ids: list[uuid.UUID]) -> Any:
    """message_ids minus `ids`, in SQL."""
    return text("ARRAY(SELECT m FROM unnest(message_ids) AS m WHERE NOT (m = ANY(:answered)))"
                ).bindparams(bindparam("answered", ids, type_=ARRAY(UUID(as_uuid=True))))


class SummaryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, conversation_id: uuid.UUID) -> ConversationSummary | None:
        return (await self.session.scalars(select(ConversationSummary).where(
            ConversationSummary.conversation_id == conversation_id))).first()

    async def save(self, conversation_id: uuid.UUID, summary: str, covered_until: datetime) -> None:
        stmt = insert(ConversationSummary).values(
            id=uuid.uuid4(), tenant_id=require_tenant(), conversation_id=conversation_id,
            summary=summary, covered_until=covered_until)
        await self.session.execute(stmt.on_conflict_do_update(
            index_elements=[ConversationSummary.tenant_id, ConversationSummary.conversation_id],
            set_={"summary": summary, "covered_until": covered_until, "updated_at": func.now()},
            where=and_(ConversationSummary.covered_until < covered_until)))

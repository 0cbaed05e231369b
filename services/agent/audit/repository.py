"""SQL of the audit trail: one row per automatic outcome (and per flagged preview), usage totals.
Flushes, never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.agent.audit.health import SUCCESS, ModelFacts, Result
from services.agent.audit.models import AuditEntry
from services.agent.audit.paging import newest_first
from services.agent.settings.endpoint import CIRCUIT_OPEN
from services.kernel.tenancy import require_tenant


@dataclass(frozen=True)
class ModelTotals:
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost: float


@dataclass(frozen=True)
class UsageTotals:
    replies: int
    handoffs: int
    skipped: int
    previews: int
    by_model: list[ModelTotals]


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, values: dict[str, Any]) -> AuditEntry:
        """Record an outcome once per idempotency key (a run repeated after a lost lease)."""
        stmt = insert(AuditEntry).values(id=uuid.uuid4(), tenant_id=require_tenant(), **values)
        if values.get("idempotency_key"):
            stmt = stmt.on_conflict_do_nothing(
                index_elements=[AuditEntry.tenant_id, AuditEntry.idempotency_key],
                index_where=AuditEntry.idempotency_key.is_not(None))
        row = (await self.session.scalars(stmt.returning(AuditEntry))).first()
        if row is None:
            row = (await self.session.scalars(select(AuditEntry).where(
                AuditEntry.idempotency_key == values["idempotency_key"]))).one()
        return row

    async def replies_since(self, conversation_id: uuid.UUID, since: datetime) -> int:
        return int(await self.session.scalar(select(func.count()).where(
            AuditEntry.conversation_id == conversation_id, AuditEntry.outcome == "reply",
            AuditEntry.preview.is_(False), AuditEntry.created_at >= since)) or 0)

    async def low_confidence_streak(self, conversation_id: uuid.UUID, limit: int) -> int:
        """How many of the conversation's latest outcomes in a row were unsure replies."""
        flags = (await self.session.scalars(
            select(AuditEntry.low_confidence).where(
                AuditEntry.conversation_id == conversation_id, AuditEntry.preview.is_(False))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit))).all()
        streak = 0
        for unsure in flags:
            if not unsure:
                break
            streak += 1
        return streak

    async def usage(self, start: datetime, end: datetime) -> UsageTotals:
        window = and_(AuditEntry.created_at >= start, AuditEntry.created_at <= end)
        live = AuditEntry.preview.is_(False)
        counts = (await self.session.execute(select(
            func.count().filter(and_(live, AuditEntry.outcome == "reply")),
            func.count().filter(and_(live, AuditEntry.outcome == "handoff")),
            func.count().filter(and_(live, AuditEntry.outcome == "skipped")),
            func.count().filter(AuditEntry.preview.is_(True)),
        ).where(window))).one()
        models = await self.session.execute(
            select(AuditEntry.model, func.sum(AuditEntry.prompt_tokens),
                   func.sum(AuditEntry.completion_tokens), func.sum(AuditEntry.cost))
            .where(window, AuditEntry.model != "").group_by(AuditEntry.model)
            .order_by(AuditEntry.model))
        return UsageTotals(
            replies=counts[0], handoffs=counts[1], skipped=counts[2], previews=counts[3],
            by_model=[ModelTotals(m, int(p or 0), int(c or 0), float(cost or 0))
                      for m, p, c, cost in models])

    async def list_page(self, conversation_id: uuid.UUID | None, size: int,
                        cursor: str) -> tuple[list[AuditEntry], str]:
        """Newest first, keyset-paged on (created_at, id)."""
        stmt = select(AuditEntry)
        if conversation_id is not None:
            stmt = stmt.where(AuditEntry.conversation_id == conversation_id)
        return await newest_first(self.session, stmt, AuditEntry.created_at, AuditEntry.id,
                                  size, cursor)

    async def model_facts(self, latest: int, hour_ago: datetime) -> ModelFacts:
        """The live runs' model results (ix_audit_model_results): the newest `latest`, the last
        success, the failures since, and the conversations they handed over in the hour."""
        live = and_(AuditEntry.model_result != "", AuditEntry.preview.is_(False))
        failed = and_(live, AuditEntry.model_result != SUCCESS)
        newest = (AuditEntry.created_at.desc(), AuditEntry.id.desc())
        rows = (await self.session.execute(
            select(AuditEntry.created_at, AuditEntry.model_result, AuditEntry.reason)
            .where(live).order_by(*newest).limit(latest))).all()
        last_success = await self.session.scalar(
            select(func.max(AuditEntry.created_at)).where(live, AuditEntry.model_result == SUCCESS))
        since = failed if last_success is None else and_(failed, AuditEntry.created_at > last_success)
        streak, first = (await self.session.execute(
            select(func.count(), func.min(AuditEntry.created_at)).where(since))).one()
        # The newest failure that says what is wrong (a circuit-open one only says it stopped).
        said = select(AuditEntry.created_at, AuditEntry.model_result, AuditEntry.reason) \
            .order_by(*newest).limit(1)
        error = (await self.session.execute(said.where(
            failed, AuditEntry.model_result != CIRCUIT_OPEN))).first() or \
            (await self.session.execute(said.where(failed))).first()
        handed = await self.session.scalar(
            select(func.count(distinct(AuditEntry.conversation_id))).where(
                failed, AuditEntry.outcome == "handoff", AuditEntry.created_at >= hour_ago))
        return ModelFacts(
            latest=[Result(*r) for r in rows], last_success=last_success, streak=int(streak),
            failing_since=first, last_error=Result(*error) if error else None,
            handed_over=int(handed or 0))

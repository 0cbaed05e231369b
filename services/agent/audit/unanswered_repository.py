"""SQL of the questions the agent could not answer (audit/unanswered.py). Flushes, never
commits."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.agent.audit.models import UnansweredQuestion as Row
from services.agent.audit.paging import newest_first
from services.kernel.tenancy import require_tenant

# A repeat replaces these with the latest time's; an answered question asked again is open
# again (the entry added did not catch it); a dismissed one stays dismissed.
_LATEST = ("question", "last_asked_at", "conversation_id", "audit_id", "best_chunk_id",
           "best_question", "best_score", "reason")


class UnansweredRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(self, values: dict[str, Any]) -> None:
        """One row per question key. The same audit entry twice (a run repeated after a lost
        lease) counts once."""
        stmt = insert(Row).values(id=uuid.uuid4(), tenant_id=require_tenant(), **values)
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=[Row.tenant_id, Row.question_key],
            set_={**{name: excluded[name] for name in _LATEST},
                  "asked_count": Row.asked_count + 1, "updated_at": func.now(),
                  "state": case((Row.state == "answered", "open"), else_=Row.state),
                  "resolved_at": case((Row.state == "answered", None), else_=Row.resolved_at)},
            where=Row.audit_id != excluded.audit_id)
        await self.session.execute(stmt)

    async def get(self, id_: uuid.UUID) -> Row | None:
        return await self.session.get(Row, id_)

    async def resolve(self, row: Row, state: str, document_id: uuid.UUID | None) -> None:
        row.state, row.answered_document_id = state, document_id
        row.resolved_at = func.now()  # type: ignore[assignment]
        await self.session.flush()
        await self.session.refresh(row)

    async def list_page(self, state: str, size: int, cursor: str) -> tuple[list[Row], str]:
        """The latest asked first."""
        return await newest_first(self.session, select(Row).where(Row.state == state),
                                  Row.last_asked_at, Row.id, size, cursor)

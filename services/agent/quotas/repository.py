"""The agent's usage: AI replies per month, and the text its uploaded documents hold."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.agent.audit.models import AuditEntry
from services.agent.knowledge.models import Chunk, Document
from services.agent.quotas.models import UsageMonth


class AgentUsageRepository:
    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self._session, self._tenant = session, tenant_id

    async def add_reply(self, month: date) -> None:
        stmt = insert(UsageMonth).values(tenant_id=self._tenant, month=month, ai_replies=1)
        await self._session.execute(stmt.on_conflict_do_update(
            index_elements=[UsageMonth.tenant_id, UsageMonth.month],
            set_={"ai_replies": UsageMonth.ai_replies + 1}))

    async def replies(self, month: date) -> int:
        count = await self._session.scalar(select(UsageMonth.ai_replies)
                                           .where(UsageMonth.month == month))
        return int(count or 0)

    async def audited(self, key: str) -> bool:
        """Whether a run with this idempotency key was recorded already (a repeated run)."""
        found = await self._session.scalar(select(AuditEntry.id)
                                           .where(AuditEntry.idempotency_key == key))
        return found is not None

    async def lock_knowledge(self) -> None:
        """Serialise the tenant's uploads until the transaction ends: two at once cannot both
        take the last of the room."""
        await self._session.execute(text(
            "SELECT pg_advisory_xact_lock(hashtext('agent.knowledge'), "
            "hashtext(current_setting('app.tenant_id', true)))"))

    async def knowledge_bytes(self, replacing: Collection[str] = ()) -> int:
        """UTF-8 bytes of the text the tenant's uploaded documents hold (listing documents,
        made from its listings, are not uploads), less those of the documents `replacing`
        (sha256s an upload stores again) names."""
        stmt = (select(func.coalesce(func.sum(func.octet_length(Chunk.text)), 0))
                .join(Document, Document.id == Chunk.document_id)
                .where(Document.source_ref == "", Document.sha256.not_in(list(replacing))))
        return int(await self._session.scalar(stmt) or 0)

"""The month's message count: added to set-based (a batch's stored messages), or taken one at
a time only while it stays within a limit (a send)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.conversations.quotas.models import UsageMonth


class UsageMonthsRepository:
    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self._session, self._tenant = session, tenant_id

    async def add(self, month: date, count: int) -> None:
        """Count `count` more messages, whatever the limit (what is stored is counted)."""
        stmt = insert(UsageMonth).values(tenant_id=self._tenant, month=month, messages=count)
        await self._session.execute(stmt.on_conflict_do_update(
            index_elements=[UsageMonth.tenant_id, UsageMonth.month],
            set_={"messages": UsageMonth.messages + stmt.excluded.messages}))

    async def remove(self, month: date, count: int) -> None:
        """Count `count` fewer (a message counted twice), never below 0."""
        await self._session.execute(
            update(UsageMonth).where(UsageMonth.month == month)
            .values(messages=func.greatest(UsageMonth.messages - count, 0)))

    async def take(self, month: date, limit: int) -> bool:
        """Count one more message if the month's count is below `limit` (> 0); False if not.
        One statement, the row locked by it: concurrent sends cannot pass the limit."""
        stmt = insert(UsageMonth).values(tenant_id=self._tenant, month=month, messages=1)
        taken = await self._session.scalar(stmt.on_conflict_do_update(
            index_elements=[UsageMonth.tenant_id, UsageMonth.month],
            set_={"messages": UsageMonth.messages + 1},
            where=UsageMonth.messages < limit).returning(UsageMonth.messages))
        return taken is not None

    async def used(self, month: date) -> int:
        count = await self._session.scalar(select(UsageMonth.messages)
                                           .where(UsageMonth.month == month))
        return int(count or 0)

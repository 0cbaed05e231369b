"""SQL of the Avito statistics cache (`unit.avito`). Flushes, never commits.

`avito_refresh` is a due-row table: the refresh loop claims due rows of every tenant in a
tenantless unit through the definer function `analytics.claim_due_avito_refresh` (FOR UPDATE
SKIP LOCKED; `next_due_at` pushed ahead as the lease), then stores and completes in the row's
tenant's unit. Storing a day keeps what a failed kind did not bring (NULL never overwrites).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.analytics.avito.models import (
    DAILY_COLUMNS,
    AvitoBalances,
    AvitoDaily,
    AvitoRefresh,
)

_CLAIM = text("SELECT tenant_id, channel_id, filled_from "
              "FROM analytics.claim_due_avito_refresh(:now, :limit, :lease)")


@dataclass(frozen=True)
class RefreshClaim:
    tenant_id: uuid.UUID
    channel_id: uuid.UUID
    filled_from: date | None


class AvitoRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _tenant(self) -> uuid.UUID:
        tenant: uuid.UUID = self.session.info["tenant_id"]
        return tenant

    async def register(self, channel_ids: Sequence[uuid.UUID], now: datetime) -> None:
        """Accounts a report asks about are refreshed from now on (due at once if new)."""
        if channel_ids:
            await self.session.execute(insert(AvitoRefresh).values([
                {"tenant_id": self._tenant, "channel_id": c, "next_due_at": now,
                 "created_at": now} for c in channel_ids]).on_conflict_do_nothing())

    async def claim_due(self, now: datetime, limit: int, lease_s: float) -> list[RefreshClaim]:
        """Tenantless unit only: lease up to `limit` due accounts of any tenant."""
        rows = await self.session.execute(_CLAIM, {"now": now, "limit": limit,
                                                   "lease": timedelta(seconds=lease_s)})
        return [RefreshClaim(r.tenant_id, r.channel_id, r.filled_from) for r in rows]

    async def store_days(self, channel_id: uuid.UUID,
                         days: Mapping[date, Mapping[str, int | None]], at: datetime) -> None:
        if not days:
            return
        stmt = insert(AvitoDaily).values([
            {"tenant_id": self._tenant, "channel_id": channel_id, "day": day, "fetched_at": at,
             **{c: values.get(c) for c in DAILY_COLUMNS}} for day, values in days.items()])
        keep = {c: func.coalesce(stmt.excluded[c], getattr(AvitoDaily, c))
                for c in DAILY_COLUMNS}
        await self.session.execute(stmt.on_conflict_do_update(
            index_elements=["tenant_id", "channel_id", "day"],
            set_={**keep, "fetched_at": stmt.excluded.fetched_at}))

    async def store_balances(self, channel_id: uuid.UUID, *,
                             wallet: tuple[int, int] | None, cpa: int | None,
                             at: datetime) -> None:
        values: dict[str, object] = {}
        if wallet is not None:
            values |= {"real_kopecks": wallet[0], "bonus_kopecks": wallet[1], "balance_at": at}
        if cpa is not None:
            values |= {"cpa_kopecks": cpa, "cpa_at": at}
        if values:
            await self.session.execute(
                insert(AvitoBalances).values(tenant_id=self._tenant, channel_id=channel_id,
                                             **values)
                .on_conflict_do_update(index_elements=["tenant_id", "channel_id"], set_=values))

    async def complete(self, channel_id: uuid.UUID, *, next_due_at: datetime,
                       filled_from: date | None, problems: list[str], at: datetime) -> None:
        """The refresh's outcome: a clean one resets the failures, one with problems counts."""
        failures = AvitoRefresh.failures + 1 if problems else 0
        values: dict[str, object] = {"next_due_at": next_due_at, "problems": problems,
                                     "refreshed_at": at, "failures": failures}
        if filled_from is not None:
            values["filled_from"] = func.least(
                func.coalesce(AvitoRefresh.filled_from, filled_from), filled_from)
        await self.session.execute(update(AvitoRefresh).where(
            AvitoRefresh.channel_id == channel_id).values(**values))

    async def states(self, channel_ids: Sequence[uuid.UUID]) -> list[AvitoRefresh]:
        return list((await self.session.scalars(select(AvitoRefresh).where(
            AvitoRefresh.channel_id.in_(channel_ids)))).all())

    async def days(self, channel_ids: Sequence[uuid.UUID], first: date,
                   last: date) -> list[AvitoDaily]:
        return list((await self.session.scalars(select(AvitoDaily).where(
            AvitoDaily.channel_id.in_(channel_ids), AvitoDaily.day >= first,
            AvitoDaily.day <= last))).all())

    async def balances(self, channel_ids: Sequence[uuid.UUID]) -> list[AvitoBalances]:
        return list((await self.session.scalars(select(AvitoBalances).where(
            AvitoBalances.channel_id.in_(channel_ids)))).all())

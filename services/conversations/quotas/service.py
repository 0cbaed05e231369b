"""Messages per month: every message stored is counted, in and out, in the transaction that
stores it; inbound is always stored (a buyer's message is never lost), a send is refused once
the month's count reached the plan's limit. Imported history (a new account's backfill) is
stored uncounted: it is not this month's traffic."""

from __future__ import annotations

from datetime import UTC, datetime

from services.conversations.quotas.repository import UsageMonthsRepository
from services.conversations.repository import ConversationsUnit
from services.kernel.plan_book import PlanBook
from services.kernel.plans import MESSAGES_PER_MONTH, Quota, month_of


class MonthlyMessages:
    def __init__(self, book: PlanBook) -> None:
        self.book = book

    async def stored(self, unit: ConversationsUnit, count: int) -> None:
        """`count` messages were stored in this unit (channel traffic: never refused); less
        than 0 when an echo stored before its send's report was folded into the send."""
        month = month_of(datetime.now(UTC))
        if count > 0:
            await _repo(unit).add(month, count)
        elif count < 0:
            await _repo(unit).remove(month, -count)

    async def take_one(self, unit: ConversationsUnit) -> None:
        """A send: counted if the month has room, else QuotaExceeded (nothing is stored)."""
        quota = await self.book.quota(unit.tenant_id, MESSAGES_PER_MONTH)
        now = datetime.now(UTC)
        if quota.limit is None:
            await _repo(unit).add(month_of(now), 1)
        elif quota.limit == 0 or not await _repo(unit).take(month_of(now), quota.limit):
            raise quota.exceeded(await self.used(unit, now), now)

    async def used(self, unit: ConversationsUnit, now: datetime) -> int:
        return await _repo(unit).used(month_of(now))

    async def quota(self, unit: ConversationsUnit) -> Quota:
        return await self.book.quota(unit.tenant_id, MESSAGES_PER_MONTH)


def _repo(unit: ConversationsUnit) -> UsageMonthsRepository:
    return UsageMonthsRepository(unit.session, unit.tenant_id)

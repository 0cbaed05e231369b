"""QuotaUsageService in channels: the tenant's plan and its connected accounts."""

from __future__ import annotations

from clients.rpc.quotas import QuotaFigure, QuotaUsageServicer, UsageReport
from services.channels.quotas.service import AccountSlots
from services.channels.repository import ChannelsUnit
from services.kernel.plan_book import PlanBook
from services.kernel.plans import CHANNEL_ACCOUNTS
from services.kernel.unit import Units


def usage_servicer(units: Units[ChannelsUnit], book: PlanBook) -> QuotaUsageServicer:
    slots = AccountSlots(book)

    async def usage() -> UsageReport:
        async with units() as unit:
            plan, limits = await book.limits(unit.tenant_id)
            used = await slots.used(unit)
        return UsageReport(plan, [QuotaFigure(CHANNEL_ACCOUNTS, limits.channel_accounts, used)])

    return QuotaUsageServicer(usage)

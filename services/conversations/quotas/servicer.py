"""QuotaUsageService in conversations: the tenant's plan and this month's messages."""

from __future__ import annotations

from datetime import UTC, datetime

from clients.rpc.quotas import QuotaFigure, QuotaUsageServicer, UsageReport
from services.conversations.quotas.service import MonthlyMessages
from services.conversations.repository import ConversationsUnit
from services.kernel.plans import MESSAGES_PER_MONTH, resets_at
from services.kernel.unit import Units


def usage_servicer(units: Units[ConversationsUnit], messages: MonthlyMessages) -> QuotaUsageServicer:
    async def usage() -> UsageReport:
        now = datetime.now(UTC)
        async with units() as unit:
            quota = await messages.quota(unit)
            used = await messages.used(unit, now)
        return UsageReport(quota.plan, [QuotaFigure(MESSAGES_PER_MONTH, quota.limit, used,
                                                    resets_at(now))])

    return QuotaUsageServicer(usage)

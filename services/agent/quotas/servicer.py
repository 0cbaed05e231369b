"""QuotaUsageService in the agent: the tenant's plan, this month's AI replies and the bytes of
its uploaded knowledge."""

from __future__ import annotations

from datetime import UTC, datetime

from clients.rpc.quotas import QuotaFigure, QuotaUsageServicer, UsageReport
from services.agent.quotas.service import AgentQuotas
from services.agent.repository import AgentUnit
from services.kernel.plans import AI_REPLIES_PER_MONTH, KNOWLEDGE_BYTES, resets_at
from services.kernel.unit import Units


def usage_servicer(units: Units[AgentUnit], quotas: AgentQuotas) -> QuotaUsageServicer:
    async def usage() -> UsageReport:
        async with units() as unit:
            replies, knowledge = await quotas.replies_quota(unit), await quotas.knowledge_quota(unit)
            figures = [
                QuotaFigure(AI_REPLIES_PER_MONTH, replies.limit, await quotas.replies_used(unit),
                            resets_at(datetime.now(UTC))),
                QuotaFigure(KNOWLEDGE_BYTES, knowledge.limit, await quotas.knowledge_used(unit))]
        return UsageReport(replies.plan, figures)

    return QuotaUsageServicer(usage)

"""The plan view: each enforcing service's QuotaUsageService asked at once, their figures in
the catalogue's order (services/kernel/plans.QUOTAS)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from clients.rpc.quotas import QuotaFigure, QuotaUsageClient
from services.kernel.errors import Internal
from services.kernel.plans import QUOTAS


@dataclass(frozen=True)
class PlanView:
    plan: str
    quotas: list[QuotaFigure]


class PlanUsage:
    """channels (channel accounts), conversations (messages), agent (AI replies, knowledge)."""

    def __init__(self, clients: list[QuotaUsageClient]) -> None:
        self._clients = clients

    async def view(self, tenant_id: uuid.UUID) -> PlanView:
        reports = await asyncio.gather(*(c.usage(tenant_id) for c in self._clients))
        by_name = {q.name: q for report in reports for q in report.quotas}
        missing = [name for name in QUOTAS if name not in by_name]
        if missing:  # a service that stopped reporting one is a bug, not a zero
            raise Internal(f"no service reported {', '.join(missing)}")
        # Each service read the plan itself; within the plan cache they agree.
        return PlanView(reports[0].plan, [by_name[name] for name in QUOTAS])

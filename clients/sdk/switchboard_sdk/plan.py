"""The tenant's plan: each quota's limit, what is used and when a monthly one resets
(GraphQL `plan`; the same as REST GET /v1/plan). Past a quota the API raises QuotaExceeded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from switchboard_sdk._base import Api
from switchboard_sdk._codec import decode

PLAN = """
query Plan {
  plan { plan quotas { name limit used remaining resetsAt } }
}"""


@dataclass(frozen=True)
class PlanQuota:
    name: str  # channel_accounts, messages_per_month, ai_replies_per_month, knowledge_bytes
    used: float
    limit: float | None = None  # None: unlimited
    remaining: float | None = None  # None: unlimited
    resets_at: datetime | None = None  # monthly quotas: the 1st of the next month, 00:00 UTC


@dataclass(frozen=True)
class Plan:
    plan: str
    quotas: list[PlanQuota] = field(default_factory=list)

    def quota(self, name: str) -> PlanQuota:
        return next(q for q in self.quotas if q.name == name)


class PlanApi(Api):
    async def plan(self) -> Plan:
        """The tenant's plan and its quotas (read, or plan:read)."""
        return decode(Plan, await self._data(PLAN, "plan"))

"""GraphQL: the tenant's plan (`plan`), the same figures as GET /v1/plan."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.graphql.context import Info
from gateway.plans.usage import PlanView


@strawberry.type
class Quota:
    name: str = strawberry.field(description="channel_accounts, messages_per_month, "
                                             "ai_replies_per_month or knowledge_bytes")
    limit: float | None = strawberry.field(description="null: unlimited (Floats: may pass 2^31)")
    used: float
    remaining: float | None = strawberry.field(description="null: unlimited")
    resets_at: datetime | None = strawberry.field(description="when a monthly count starts "
                                                             "again; null for the others")


@strawberry.type
class Plan:
    plan: str
    quotas: list[Quota]

    @classmethod
    def of(cls, view: PlanView) -> Plan:
        return cls(plan=view.plan, quotas=[
            Quota(name=q.name, limit=q.limit, used=q.used, remaining=q.remaining,
                  resets_at=q.resets_at) for q in view.quotas])


@strawberry.type
class PlanQuery:
    @strawberry.field(description="The tenant's plan: each quota's limit, use and reset")
    async def plan(self, info: Info) -> Plan:
        tenant_id = info.context.require("read").tenant_id
        return Plan.of(await info.context.state.quotas.view(tenant_id))

"""REST representations of the plan domain."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gateway.plans.usage import PlanView


class QuotaOut(BaseModel):
    name: str = Field(description="channel_accounts, messages_per_month, ai_replies_per_month "
                                  "or knowledge_bytes")
    limit: int | None = Field(description="null: unlimited")
    used: int
    remaining: int | None = Field(description="null: unlimited; 0 once used up (inbound "
                                              "messages are stored past the limit)")
    resets_at: datetime | None = Field(description="when a monthly count starts again (the 1st "
                                                   "of the next month, 00:00 UTC); null for "
                                                   "the others")


class PlanOut(BaseModel):
    plan: str
    quotas: list[QuotaOut]

    @classmethod
    def of(cls, view: PlanView) -> PlanOut:
        return cls(plan=view.plan, quotas=[
            QuotaOut(name=q.name, limit=q.limit, used=q.used, remaining=q.remaining,
                     resets_at=q.resets_at) for q in view.quotas])

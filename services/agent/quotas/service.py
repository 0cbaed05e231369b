"""AI replies per month: checked before the agent answers (past the limit it hands the
conversation to a manager, reason_code `quota_exhausted`), counted in the unit that records
the reply, once per run. Knowledge: an upload whose text would pass the plan's bytes is
refused, nothing of the batch stored."""

from __future__ import annotations

from datetime import UTC, datetime

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from services.agent.answering.pipeline import Answer
from services.agent.knowledge.domain import PreparedDocument
from services.agent.quotas.repository import AgentUsageRepository
from services.agent.repository import AgentUnit
from services.kernel.errors import QuotaExceeded
from services.kernel.plan_book import PlanBook
from services.kernel.plans import AI_REPLIES_PER_MONTH, KNOWLEDGE_BYTES, Quota, month_of

QUOTA_EXHAUSTED = "quota_exhausted"
# The per-hour reply cap's kind is the nearest of the catalogue's (no new enum in v1 for this).
QUOTA_HANDOFF_KIND = agent_events.HANDOFF_KIND_REPLY_LIMIT


class AgentQuotas:
    def __init__(self, book: PlanBook) -> None:
        self.book = book

    async def reply_refusal(self, unit: AgentUnit) -> Answer | None:
        """The handoff to make instead of answering when the month's AI replies are used up."""
        quota = await self.replies_quota(unit)
        used = await self.replies_used(unit)
        if quota.allows(used):
            return None
        return quota_handoff(
            f"Лимит ответов ИИ по тарифу «{quota.plan}» исчерпан ({used} из {quota.limit} в "
            "этом месяце) — ответьте покупателю сами.")

    async def count_reply(self, unit: AgentUnit, key: str | None) -> None:
        """In the unit that records a sent reply; a repeated run (same key) counts nothing."""
        repo = _repo(unit)
        if key is None or not await repo.audited(key):
            await repo.add_reply(month_of(datetime.now(UTC)))

    async def replies_quota(self, unit: AgentUnit) -> Quota:
        return await self.book.quota(unit.tenant_id, AI_REPLIES_PER_MONTH)

    async def replies_used(self, unit: AgentUnit) -> int:
        return await _repo(unit).replies(month_of(datetime.now(UTC)))

    async def knowledge_quota(self, unit: AgentUnit) -> Quota:
        return await self.book.quota(unit.tenant_id, KNOWLEDGE_BYTES)

    async def knowledge_used(self, unit: AgentUnit) -> int:
        return await _repo(unit).knowledge_bytes()

    async def check_upload(self, unit: AgentUnit, items: list[PreparedDocument]) -> None:
        """Before any of the batch is stored, under the tenant's upload lock."""
        quota = await self.knowledge_quota(unit)
        if quota.limit is None or not items:
            return
        repo = _repo(unit)
        await repo.lock_knowledge()
        used = await repo.knowledge_bytes(replacing={item.sha256 for item in items})
        adding = sum(len(c.text.encode()) for item in items for c in item.chunks)
        quota.check(used, adding)


def quota_handoff(reason: str) -> Answer:
    return Answer("handoff", reason=reason, kind=QUOTA_HANDOFF_KIND, reason_code=QUOTA_EXHAUSTED)


def messages_refusal(exc: QuotaExceeded) -> Answer:
    """The conversations service refused the reply: the month's messages are used up."""
    return quota_handoff(f"Лимит сообщений по тарифу «{exc.plan}» исчерпан ({exc.used} из "
                         f"{exc.limit} в этом месяце): ИИ не может ответить — ответьте сами "
                         "или смените тариф.")


def _repo(unit: AgentUnit) -> AgentUsageRepository:
    return AgentUsageRepository(unit.session, unit.tenant_id)

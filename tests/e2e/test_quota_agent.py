"""The agent's plan quotas on the whole platform (issue #16): past the month's AI replies the
agent hands the conversation to a manager (reason_code quota_exhausted, its Russian reason in
the audit and the handoff) and counts nothing more; a reply the conversations service refuses
for the month's messages hands over the same way; a knowledge upload past the plan's bytes is
refused with nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from services.agent.quotas.repository import AgentUsageRepository
from services.kernel.bus import Bus
from services.kernel.plans import month_of
from tests.e2e.test_agent import FAQ, KAZAN_ANSWER, arrived, conversation, enable_agent
from tests.fixtures.events import eventually
from tests.fixtures.plans import give_plan
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


async def _replies(platform: RunningPlatform, seller: Tenant) -> int:
    async with platform.db.unit_of_work(seller.tenant_id) as session:
        return await AgentUsageRepository(session, seller.tenant_id).replies(
            month_of(datetime.now(UTC)))


async def _handed_over(platform: RunningPlatform, seller: Tenant, shop: SandboxShop,
                       text: str) -> dict[str, Any]:
    wrote = await platform.buyer_writes(shop, text)

    async def manager() -> dict[str, Any] | None:
        current = await conversation(seller, wrote["chat_id"])
        return current if current and current["mode"] == "manager" else None
    conv = await eventually(manager, within=20)

    async def audited() -> list[dict[str, Any]]:  # written once the handoff is recorded
        return (await seller.http.get("/v1/agent/audit",
                                      params={"conversation_id": conv["id"]})).json()["items"]
    audit = await eventually(audited)
    assert [e["outcome"] for e in audit] == ["handoff"], audit
    return audit[0]


async def _seller(platform: RunningPlatform, bus: Bus, **limits: int) -> tuple[Tenant, SandboxShop]:
    seller = await platform.new_tenant("Quota seller")
    await give_plan(bus, seller.tenant_id, "start", **limits)
    shop = await platform.connect_sandbox_shop(seller)
    await enable_agent(seller, shop)
    return seller, shop


async def test_past_the_months_ai_replies_a_manager_answers(platform: RunningPlatform,
                                                            bus: Bus) -> None:
    seller, shop = await _seller(platform, bus, ai_replies_per_month=1)
    await platform.buyer_writes(shop, "а доставка в Казань есть?")
    await arrived(platform, shop, KAZAN_ANSWER)
    await eventually(lambda: _replies(platform, seller))
    entry = await _handed_over(platform, seller, shop, "Доставите в Казань?")
    assert entry["reason"].startswith("Лимит ответов ИИ по тарифу «start» исчерпан (1 из 1")
    assert await _replies(platform, seller) == 1
    assert len([s for s in await platform.sent(shop) if KAZAN_ANSWER in s["text"]]) == 1


async def test_a_reply_refused_for_the_months_messages_hands_over(platform: RunningPlatform,
                                                                  bus: Bus) -> None:
    seller, shop = await _seller(platform, bus, messages_per_month=1)
    entry = await _handed_over(platform, seller, shop, "а доставка в Казань есть?")
    assert entry["reason"].startswith("Лимит сообщений по тарифу «start» исчерпан (1 из 1")
    assert not [s for s in await platform.sent(shop) if KAZAN_ANSWER in s["text"]]
    assert await _replies(platform, seller) == 0


async def test_knowledge_past_the_plan_is_refused_with_nothing_stored(
        platform: RunningPlatform, bus: Bus) -> None:
    seller = await platform.new_tenant("Knowledge seller")
    await give_plan(bus, seller.tenant_id, "free", knowledge_bytes=200)
    refused = await seller.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", FAQ.read_bytes(), "text/csv"))])
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert problem["type"] == "/problems/quota-exceeded" and problem["quota"] == "knowledge_bytes"
    assert (problem["limit"], problem["used"]) == (200, 0)
    assert problem["detail"].startswith("The plan 'free' allows 200 bytes of knowledge; 0 are")
    assert (await seller.http.get("/v1/agent/knowledge/documents")).json()["items"] == []
    small = await seller.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", "question,answer\nЕсть доставка?,Да\n".encode(), "text/csv"))])
    assert small.status_code == 207 and small.json()["stored"] == 1, small.text

"""RLS on `agent.unanswered_questions` (migration 0031): a tenant's unanswered questions are its
own, the same question text in two tenants is two rows (the grouping key is per tenant), and
the list's query and its upsert under RLS read and group only the tenant's own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.agent.audit.unanswered_repository import UnansweredRepository
from services.kernel.db import Database
from services.kernel.tenancy import tenant_scope
from tests.tenancy.rows import assert_isolated

TABLE = "agent.unanswered_questions"


async def _asked(db: Database, tenant: uuid.UUID, question: str) -> None:
    now = datetime.now(UTC)
    with tenant_scope(tenant):
        async with db.unit_of_work(tenant) as session:
            await UnansweredRepository(session).upsert({
                "question_key": question.lower(), "question": question, "audit_id": uuid.uuid4(),
                "first_asked_at": now, "last_asked_at": now})


async def test_unanswered_questions_are_the_tenants_own(db: Database, tenant_a: uuid.UUID,
                                                        tenant_b: uuid.UUID) -> None:
    await _asked(db, tenant_a, "Секретный вопрос")
    await _asked(db, tenant_b, "Секретный вопрос")  # the same key in another tenant: its own row
    await _asked(db, tenant_b, "Секретный вопрос")
    assert await assert_isolated(db, TABLE, tenant_a, tenant_b,
                                 update="state = 'dismissed'") == 1
    rows = {}
    for tenant, count in ((tenant_a, 1), (tenant_b, 2)):
        async with db.unit_of_work(tenant) as session:
            [rows[tenant]], _ = await UnansweredRepository(session).list_page("open", 50, "")
            assert rows[tenant].asked_count == count and rows[tenant].tenant_id == tenant
    async with db.unit_of_work(tenant_b) as session:  # what AnswerUnanswered looks up first
        assert await UnansweredRepository(session).get(rows[tenant_a].id) is None
    async with db.unscoped_unit_of_work() as session:
        rows, _ = await UnansweredRepository(session).list_page("open", 50, "")
        assert rows == []

"""The inbox list queries use their indexes: EXPLAIN of the repository's own statements (as the
runtime role, under row-level security) on a small generated data set (20 tenants of 1,000
conversations) shows no Seq Scan on conversations for the recent and price sorts."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from services.conversations.domain import ConversationFilter, Sort
from services.conversations.repository import _SORTS, ConversationRepository, _filtered
from services.kernel.db import Database
from switchboard.bench.dataset import ensure_dataset


@pytest.fixture(scope="module")
async def dataset_tenant(owner_url: str) -> uuid.UUID:
    return (await ensure_dataset(owner_url, "tiny")).tenant_id


async def _plan(db: Database, tenant: uuid.UUID, sort: Sort, flt: ConversationFilter) -> str:
    async with db.unit_of_work(tenant) as session:
        stmt = _filtered(ConversationRepository(session)._with_contact(), flt)
        stmt = stmt.order_by(*_SORTS[sort][0]).limit(51)
        sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        rows = (await session.execute(text("EXPLAIN " + sql))).scalars().all()
    return "\n".join(rows)


@pytest.mark.parametrize("sort", [Sort.RECENT, Sort.PRICE_ASC])
async def test_list_queries_use_the_indexes(db: Database, dataset_tenant: uuid.UUID,
                                            sort: Sort) -> None:
    async with db.unit_of_work(dataset_tenant) as session:  # the tenant really has rows
        assert await session.scalar(text("SELECT count(*) FROM conversations.conversations")) \
            == 1000
    plan = await _plan(db, dataset_tenant, sort, ConversationFilter())
    assert "Seq Scan on conversations" not in plan, plan
    # The tenant's rows come through an index (today the planner picks ix_conversations_tenant_id
    # and sorts the tenant's 1,000 rows rather than walking the sort's own index: see
    # docs/performance.md).
    assert any(f"Index Scan on {ix}" in plan or f"Index Scan using {ix}" in plan
               for ix in ("ix_conversations_recent", "ix_conversations_price",
                          "ix_conversations_tenant_id")), plan

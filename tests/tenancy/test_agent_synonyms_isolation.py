"""RLS on `agent.synonym_groups` (migration 0038): a tenant's synonym groups are its own — the
repository, retrieval's loading of them and the knowledge fingerprint read the tenant's rows
only, and a row for another tenant cannot be written."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.agent.knowledge.repository import ChunkRepository
from services.agent.knowledge.synonym_repository import SynonymRepository
from services.kernel.db import Database
from services.kernel.tenancy import tenant_scope
from tests.tenancy.rows import assert_isolated

TABLE = "agent.synonym_groups"


async def _group(db: Database, tenant: uuid.UUID, words: list[str]) -> None:
    with tenant_scope(tenant):
        async with db.unit_of_work(tenant) as session:
            await SynonymRepository(session).create(words)


async def test_synonym_groups_are_the_tenants_own(db: Database, tenant_a: uuid.UUID,
                                                  tenant_b: uuid.UUID) -> None:
    await _group(db, tenant_a, ["еврокнижка", "раскладной диван"])
    assert await assert_isolated(db, TABLE, tenant_a, tenant_b,
                                 update="words = ARRAY['а', 'б']") == 1
    async with db.unit_of_work(tenant_b) as session:
        assert await SynonymRepository(session).all() == []
        assert await ChunkRepository(session).synonym_groups() == []
        _, _, _, groups, changed = await ChunkRepository(session).faq_fingerprint()
        assert (groups, changed) == (0, None)
        assert await SynonymRepository(session).count_locked() == 0
    async with db.unit_of_work(tenant_a) as session:
        assert await ChunkRepository(session).synonym_groups() == [
            ["еврокнижка", "раскладной диван"]]
    async with db.unscoped_unit_of_work() as session:
        assert await SynonymRepository(session).all() == []


async def test_a_group_for_another_tenant_cannot_be_written(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(tenant_b) as session:
            await session.execute(text(
                f"INSERT INTO {TABLE} (id, tenant_id, words) VALUES (:id, :t, ARRAY['а', 'б'])"),
                {"id": uuid.uuid4(), "t": tenant_a})

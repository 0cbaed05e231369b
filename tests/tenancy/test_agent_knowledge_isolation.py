"""RLS on the knowledge base: tenant B never sees, changes or searches tenant A's documents and
chunks (full-text, its ts_stat vocabulary, and vectors); without a tenant nothing is visible."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.agent.knowledge.domain import Upload
from services.agent.knowledge.repository import ChunkRepository
from services.agent.knowledge.retrieval import match_faq, search
from services.agent.knowledge.service import KnowledgeService
from services.agent.repository import AgentUnit
from services.kernel.db import Database
from services.kernel.tenancy import tenant_scope
from services.kernel.unit import Units

TABLES = ["agent.documents", "agent.chunks"]
FAQ = "вопрос;ответ\nЕсть ли доставка в Казань?;Да, СДЭК.\nУместен ли торг?;Небольшой.\n"


class FixedEmbedder:
    """Every text lands on the same vector: any tenant's chunk would be the nearest."""

    async def embed(self, texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0, 0.0] for _ in texts]


async def _upload(db: Database, tenant: uuid.UUID) -> uuid.UUID:
    async def embedder_for(_: uuid.UUID) -> FixedEmbedder:
        return FixedEmbedder()

    service = KnowledgeService(embedder_for)
    prepared = await service.prepare_uploads(tenant, [Upload("faq.csv", "text/csv", FAQ.encode())])
    with tenant_scope(tenant):
        async with Units(db, AgentUnit)(tenant) as unit:
            [outcome] = await service.store_uploads(unit, prepared)
    assert outcome.document is not None
    return outcome.document.id


async def _counts(db: Database, tenant: uuid.UUID | None, owner: uuid.UUID) -> dict[str, int]:
    scope = db.unit_of_work(tenant) if tenant else db.unscoped_unit_of_work()
    async with scope as session:
        return {t: await session.scalar(text(f"SELECT count(*) FROM {t} WHERE tenant_id = :o"),
                                        {"o": owner}) for t in TABLES}


async def test_other_tenant_sees_and_finds_nothing(db: Database, tenant_a: uuid.UUID,
                                                   tenant_b: uuid.UUID) -> None:
    await _upload(db, tenant_a)
    assert await _counts(db, tenant_a, tenant_a) == {"agent.documents": 1, "agent.chunks": 2}
    assert await _counts(db, tenant_b, tenant_a) == {"agent.documents": 0, "agent.chunks": 0}
    assert await _counts(db, None, tenant_a) == {"agent.documents": 0, "agent.chunks": 0}
    async with db.unit_of_work(tenant_b) as session:
        assert await search(session, "доставка в Казань", embedder=FixedEmbedder()) == []
        assert await match_faq(session, "Есть ли доставка в Казань?") is None
        questions, vocabulary = await ChunkRepository(session).question_vocabulary()
        assert (questions, vocabulary) == (0, {})  # ts_stat's query runs under RLS too
    async with db.unit_of_work(tenant_a) as session:
        assert (await search(session, "доставка в Казань"))[0].question == \
            "Есть ли доставка в Казань?"


async def test_other_tenant_cannot_change_or_attach_to_rows(db: Database, tenant_a: uuid.UUID,
                                                            tenant_b: uuid.UUID) -> None:
    document_a = await _upload(db, tenant_a)
    async with db.unit_of_work(tenant_b) as session:
        for table, column in (("agent.documents", "name"), ("agent.chunks", "text")):
            changed = await session.execute(
                text(f"UPDATE {table} SET {column} = 'x' WHERE tenant_id = :a"), {"a": tenant_a})
            assert changed.rowcount == 0
            deleted = await session.execute(
                text(f"DELETE FROM {table} WHERE tenant_id = :a"), {"a": tenant_a})
            assert deleted.rowcount == 0
    assert await _counts(db, tenant_a, tenant_a) == {"agent.documents": 1, "agent.chunks": 2}
    # Foreign keys bypass RLS: the tenant in the key keeps B's chunk off A's document.
    with pytest.raises(DBAPIError, match="foreign key"):
        async with db.unit_of_work(tenant_b) as session:
            await session.execute(text(
                "INSERT INTO agent.chunks (id, tenant_id, document_id, ordinal, kind, text) "
                "VALUES (gen_random_uuid(), :b, :d, 0, 'text', 'x')"), {"b": tenant_b, "d": document_a})


@pytest.mark.parametrize("table", TABLES)
async def test_cannot_write_rows_for_another_tenant(db: Database, tenant_a: uuid.UUID,
                                                    tenant_b: uuid.UUID, table: str) -> None:
    document_a = await _upload(db, tenant_a)
    sql = {"agent.documents": "INSERT INTO agent.documents (id, tenant_id, name, kind, status, "
                              "size_bytes, sha256, content) VALUES (gen_random_uuid(), :a, 'x', "
                              "'text', 'indexed', 1, 'h', 'x')",
           "agent.chunks": "INSERT INTO agent.chunks (id, tenant_id, document_id, ordinal, kind, "
                           "text) VALUES (gen_random_uuid(), :a, :d, 9, 'text', 'x')"}[table]
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(tenant_b) as session:
            await session.execute(text(sql), {"a": tenant_a, "d": document_a})

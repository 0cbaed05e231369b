"""The FAQ entries kept in the process (knowledge/faq_index.py): FAQ mode's candidates without a
query of their own, the same ones PostgreSQL's `tsquery` finds, current after every upload."""

from __future__ import annotations

import uuid

import pytest

from services.agent.knowledge import retrieval
from services.agent.knowledge.domain import Upload
from services.agent.knowledge.faq_index import FaqIndex
from services.agent.knowledge.repository import ChunkRepository
from services.agent.knowledge.retrieval import match_faq
from services.agent.knowledge.vocabulary import Vocabularies
from services.kernel.db import Database
from switchboard.bench.knowledge import ingest_upload
from tests.fixtures.tenants import create_tenant

FAQ = """вопрос;ответ
Есть ли доставка?;Доставляем по России СДЭК, по Москве курьером.
Сколько стоит доставка?;По Москве 500 ₽, в регионы по тарифу СДЭК.
Где вы находитесь?;Москва, ул. Профсоюзная, 56.
Есть ли рассрочка?;Рассрочка на 6 месяцев без переплаты.
Какая гарантия?;Гарантия 90 дней, доставка в сервис за наш счёт.
"""


def row(i: int, qstems: list[str], stems: list[str]) -> dict[str, object]:
    return {"id": i, "qstems": qstems, "stems": stems}


def test_candidates_hold_a_prefix_or_an_exact_stem_question_words_ranking_first() -> None:
    index = FaqIndex.build([row(0, ["гарант"], ["доставк"]), row(1, ["доставк"], []),
                            row(2, ["рассрочк"], []), row(3, ["доставля"], ["сдэк"])])
    found = index.candidates({"дост"}, {"сдэк"}, limit=10)
    # A question word counts 1, an answer word 0.1; equal ranks keep the entries' order.
    assert [r["id"] for r in found] == [3, 1, 0] and found[0]["rank"] == 1.1
    assert [r["id"] for r in index.candidates({"дост"}, set(), limit=2)] == [1, 3]
    assert index.candidates({"плат"}, {"доставк-"}, limit=10) == []
    found[0]["missing"] = ("x",)  # callers annotate their copies, never the kept rows
    assert "missing" not in index.rows[3] and "rank" not in index.rows[3]


@pytest.fixture(scope="module")
async def shop(db: Database) -> uuid.UUID:
    tenant = await create_tenant(db, "Indexed shop")
    await ingest_upload(db, tenant, Upload("faq.csv", "text/csv", FAQ.encode()), None)
    return tenant


@pytest.mark.parametrize("question", [
    "доставка в казань есть?", "скок стоит доставка", "где находитесь", "расрочка есть?",
    "гарантия сколько", "сдэком отправите?", "позовите человека",
])
async def test_the_index_finds_what_the_tsquery_finds(db: Database, shop: uuid.UUID,
                                                      question: str) -> None:
    async with db.unit_of_work(shop) as session:
        await match_faq(session, question)  # keeps the tenant's vocabulary and index
        repo = ChunkRepository(session)
        kept = retrieval._vocabularies.kept(str(shop))
        assert kept is not None
        _, vocabulary, index, _ = kept
        words = retrieval.normalise(retrieval.normalize(question)).split()
        stems = sorted({s for ss in (await retrieval._stems.of(repo, words)).values()
                        for s in ss if s not in retrieval.STOP_STEMS})
        synonyms = retrieval._thesaurus.expand(stems)
        from_sql, _ = await repo.lexical_candidates(
            retrieval._tsquery(stems, synonyms, vocabulary), ("faq",), 100) if stems else ([], None)
        from_index = index.candidates(*retrieval._lexemes(stems, synonyms, vocabulary), 100)
    assert {r["id"] for r in from_index} == {r["id"] for r in from_sql}
    assert all(r["qstems"] == s["qstems"] for r in from_index for s in from_sql
               if r["id"] == s["id"])


async def test_another_tenants_index_is_its_own(db: Database, shop: uuid.UUID) -> None:
    other = await create_tenant(db, "Other indexed shop")
    async with db.unit_of_work(shop) as session:
        assert await match_faq(session, "расрочка есть?") is not None
    async with db.unit_of_work(other) as session:
        assert await match_faq(session, "расрочка есть?") is None
    kept = retrieval._vocabularies.kept(str(other))
    assert kept is not None and len(kept[2]) == 0


class Knowledge:
    """A tenant's knowledge as Vocabularies reads it: its fingerprint and `entries` FAQ rows."""

    def __init__(self, tenant: str, entries: int) -> None:
        self.tenant, self.entries = tenant, entries

    async def faq_fingerprint(self) -> tuple[str, int, int, int, None]:
        return self.tenant, 1, self.entries, 0, None

    async def synonym_groups(self) -> list[list[str]]:
        return []

    async def question_vocabulary(self) -> tuple[int, dict[str, int]]:
        return self.entries, {"доставк": 1}

    async def entry_frequencies(self) -> dict[str, int]:
        return {"доставк": 1}

    async def faq_entries(self) -> list[dict[str, object]]:
        return [row(i, ["доставк"], []) for i in range(self.entries)]


async def test_the_kept_indexes_are_bounded_by_their_entries() -> None:
    vocabularies = Vocabularies(size=10, entries=100)
    for tenant in ("a", "b", "c"):
        await vocabularies.knowledge(Knowledge(tenant, 40))  # type: ignore[arg-type]
    assert vocabularies.kept("a") is None  # 120 entries: the least recently used went
    assert vocabularies.kept("b") is not None and vocabularies.kept("c") is not None
    await vocabularies.knowledge(Knowledge("big", 500))  # type: ignore[arg-type]
    assert [vocabularies.kept(t) is None for t in ("b", "c", "big")] == [True, True, False]

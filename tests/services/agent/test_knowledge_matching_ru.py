"""Retrieval meets buyers' wording on real PostgreSQL: the issue's synonym pairs with no shared
word, verb forms and aspect, Latin brand words written in Cyrillic, typos; each question finds
its FAQ entry first, and another tenant finds nothing of it."""

from __future__ import annotations

import uuid

import pytest

from services.agent.knowledge import retrieval
from services.agent.knowledge.domain import Upload
from services.agent.knowledge.repository import ChunkRepository, DocumentRepository
from services.agent.knowledge.retrieval import match_faq, rank_faq
from services.agent.knowledge.vocabulary import Vocabularies
from services.kernel.db import Database
from switchboard.bench.knowledge import ingest_upload
from tests.fixtures.tenants import create_tenant

FAQ = """вопрос;ответ
Телефоны не краденые?;Нет, выкупаем у владельцев по паспорту.
Какой у вас график работы?;Ежедневно с 10:00 до 21:00.
Есть ли запах у нового дивана?;Лёгкий запах ткани проходит за 2–3 дня.
Где вы находитесь?;Москва, ул. Профсоюзная, 56.
Есть размерная таблица?;Таблица размеров в каждом объявлении.
Собираете ли диван?;Сборка бесплатная, сборщик приезжает с доставкой.
Когда привезёте диван?;Из наличия привозим за 2–3 дня.
Телефон отвязан от iCloud?;Да, от iCloud и Google-аккаунта.
Работает ли Face ID?;Face ID работает на всех телефонах.
Продаёте ли MacBook?;Да, б/у MacBook есть в профиле.
Поддерживает ли телефон eSIM?;Все iPhone с XS поддерживают eSIM.
Есть ли рассрочка?;Рассрочка на 6 месяцев без переплаты.
"""


@pytest.fixture(scope="module")
async def shop(db: Database) -> uuid.UUID:
    tenant = await create_tenant(db, "Wording shop")
    await ingest_upload(db, tenant, Upload("faq.csv", "text/csv", FAQ.encode()), None)
    return tenant


@pytest.mark.parametrize(("buyer", "entry"), [
    ("он не ворованный?", "Телефоны не краденые?"),
    ("вы открыты в воскресенье?", "Какой у вас график работы?"),
    ("воняет новый диван?", "Есть ли запах у нового дивана?"),
    ("адрес какой?", "Где вы находитесь?"),
    ("куда подъехать", "Где вы находитесь?"),
    ("сетка размеров есть?", "Есть размерная таблица?"),
    ("соберёте диван?", "Собираете ли диван?"),
    ("привозите в субботу?", "Когда привезёте диван?"),
    ("айклауд отвязан?", "Телефон отвязан от iCloud?"),
    ("фейс айди работает?", "Работает ли Face ID?"),
    ("макбуки есть?", "Продаёте ли MacBook?"),
    ("есим поддерживает?", "Поддерживает ли телефон eSIM?"),
    ("расрочка есть?", "Есть ли рассрочка?"),
])
async def test_buyer_wording_finds_its_entry(db: Database, shop: uuid.UUID, buyer: str,
                                             entry: str) -> None:
    async with db.unit_of_work(shop) as session:
        hit = await match_faq(session, buyer)
    assert hit is not None and hit.question == entry, hit


async def test_another_tenant_finds_nothing_of_it(db: Database, shop: uuid.UUID) -> None:
    other = await create_tenant(db, "Empty shop")
    async with db.unit_of_work(other) as session:
        assert await match_faq(session, "айклауд отвязан?") is None


async def test_the_kept_vocabulary_follows_new_documents(db: Database) -> None:
    """The question vocabulary is kept between searches (knowledge/vocabulary.py) and rebuilt
    once the tenant's FAQ changed: a new entry's words count at once."""
    tenant = await create_tenant(db, "Growing shop")
    await ingest_upload(db, tenant, Upload("a.csv", "text/csv", FAQ.encode()), None)
    vocabularies = Vocabularies()
    async with db.unit_of_work(tenant) as session:
        before = await vocabularies.current(ChunkRepository(session))
        assert await vocabularies.current(ChunkRepository(session)) is before  # kept
    await ingest_upload(db, tenant, Upload("b.csv", "text/csv", (
        "вопрос;ответ\nДелаете ли гравировку?;Да, гравировка на корпусе — 500 ₽.\n").encode()),
        None)
    async with db.unit_of_work(tenant) as session:
        after = await vocabularies.current(ChunkRepository(session))
        hit = await match_faq(session, "гравировку делаете?")
    assert "гравировк" not in before.df and after.df["гравировк"] == 1
    assert after.questions == before.questions + 1
    assert hit is not None and hit.question == "Делаете ли гравировку?" and hit.score >= 0.9


async def test_searches_check_the_kept_vocabulary_in_their_own_query(db: Database) -> None:
    """A search with the tenant's vocabulary kept reads the knowledge fingerprint in its
    candidates query (no round trip of its own); an upload or a delete moves it, and the next
    search scores with the rebuilt vocabulary."""
    tenant = await create_tenant(db, "Checked shop")
    await ingest_upload(db, tenant, Upload("a.csv", "text/csv", FAQ.encode()), None)

    async def question_stems() -> dict[str, int]:
        async with db.unit_of_work(tenant) as session:
            await match_faq(session, "гравировку делаете?")
        kept = retrieval._vocabularies.kept(str(tenant))
        assert kept is not None
        return dict(kept[1].df)

    assert "гравировк" not in await question_stems()
    await ingest_upload(db, tenant, Upload("b.csv", "text/csv", (
        "вопрос;ответ\nДелаете ли гравировку?;Да, гравировка на корпусе — 500 ₽.\n").encode()),
        None)
    assert (await question_stems())["гравировк"] == 1
    async with db.unit_of_work(tenant) as session:
        documents = DocumentRepository(session)
        assert await documents.delete((await documents.ids())[-1])  # b.csv, the newer
    assert "гравировк" not in await question_stems()


async def test_hits_name_the_buyers_words_the_entry_does_not_mention(db: Database,
                                                                     shop: uuid.UUID) -> None:
    """Negative evidence on real PostgreSQL (knowledge/confidence.py): a complaint that shares
    the entry's words («диван», «сборка») still names a thing the entry never mentions."""
    async with db.unit_of_work(shop) as session:
        [best, *others] = await rank_faq(session, "порвали обивку дивана при сборке")
        plain = await match_faq(session, "соберёте диван?")
    assert best.question == "Собираете ли диван?" and others
    assert best.missing == ("обивка",) and 0 < best.missing_share < 1
    assert plain is not None and plain.missing == () and plain.missing_share == 0
    assert best.evidence > 0 and plain.evidence > 0

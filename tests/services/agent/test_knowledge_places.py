"""A place the buyer names and the best entry does not (knowledge/places.py): a town of Russia is
covered by an entry that speaks of all Russia, a foreign country never is; on real PostgreSQL
through the FAQ ranking."""

from __future__ import annotations

import uuid

import pytest

from services.agent.knowledge.confidence import assess
from services.agent.knowledge.domain import Upload
from services.agent.knowledge.lexical import Term
from services.agent.knowledge.places import COUNTRYWIDE, domestic, widened
from services.agent.knowledge.retrieval import rank_faq
from services.kernel.db import Database
from switchboard.bench.knowledge import ingest_upload
from tests.fixtures.tenants import create_tenant

FAQ = """вопрос;ответ
Есть ли доставка?;Доставляем по России СДЭК и Почтой, по Москве курьером.
Как оплатить?;Картой или наличными при получении.
Какая гарантия?;Гарантия производителя 6–12 месяцев.
"""


def test_towns_of_russia_are_domestic_and_foreign_countries_and_towns_are_not() -> None:
    assert all(domestic(w) for w in ("пермь", "тверь", "новосибирск", "подмосковье"))
    assert not any(domestic(w) for w in ("казахстан", "беларусь", "минск", "германия"))
    assert not domestic("доставка")  # not a place at all


def test_only_a_domestic_place_also_matches_an_entry_for_all_russia() -> None:
    terms = [Term("перм", {"перм": 1.0}, 1.0), Term("казахста", {}, 1.0),
             Term("доставк", {"доставк": 1.0}, 1.0)]
    words = {"перм": "пермь", "казахста": "казахстан", "доставк": "доставка"}
    perm, kazakhstan, delivery = widened(terms, words)
    assert set(COUNTRYWIDE) <= set(perm.matches) and perm.weight == 1.0
    assert kazakhstan is terms[1] and delivery is terms[2]


@pytest.fixture(scope="module")
async def shop(db: Database) -> uuid.UUID:
    tenant = await create_tenant(db, "Places shop")
    await ingest_upload(db, tenant, Upload("faq.csv", "text/csv", FAQ.encode()), None)
    return tenant


async def test_a_russian_town_is_answered_by_the_entry_for_all_russia(
        db: Database, shop: uuid.UUID) -> None:
    async with db.unit_of_work(shop) as session:
        hits = await rank_faq(session, "в пермь отправите?")
    assert hits[0].question == "Есть ли доставка?" and hits[0].missing == ()
    assert assess(hits, 0.7).reason_code != "contradiction:пермь"


async def test_a_foreign_country_still_hands_off(db: Database, shop: uuid.UUID) -> None:
    async with db.unit_of_work(shop) as session:
        hits = await rank_faq(session, "доставка в казахстан есть?")
    assert hits[0].question == "Есть ли доставка?" and "казахстан" in hits[0].missing
    verdict = assess(hits, 0.7)
    assert not verdict.answer and verdict.reason_code == "contradiction:казахстан"


async def test_a_thing_after_a_preposition_qualifies_but_a_place_still_counts(
        db: Database, shop: uuid.UUID) -> None:
    async with db.unit_of_work(shop) as session:
        [starter, *_] = await rank_faq(session, "гарантия на стартер есть?")
        [obj, *_] = await rank_faq(session, "стартер гарантия есть?")
    assert starter.question == "Какая гарантия?" and starter.missing == ()
    assert obj.missing == ("стартер",) and obj.missing_share > 0  # the topic itself

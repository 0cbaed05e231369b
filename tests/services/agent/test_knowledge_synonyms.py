"""The seller's synonym groups over a real in-process gRPC server and PostgreSQL: a question
that misses its FAQ entry is answered right once the seller says its word means the entry's,
a search that kept the tenant's knowledge sees the change through the fingerprint (no process
is told), and bad groups are refused with the problem named."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from clients.rpc import permissions
from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2_grpc as rpc
from clients.rpc.knowledge import KnowledgeClient
from services.agent.knowledge import retrieval
from services.agent.knowledge.confidence import assess
from services.agent.knowledge.retrieval import Embedder, rank_faq
from services.agent.knowledge.service import KnowledgeService
from services.agent.knowledge.servicer import SERVICE_NAME, KnowledgeServicer
from services.agent.knowledge.synonyms import MAX_GROUPS
from services.agent.knowledge.vocabulary import Vocabularies
from services.agent.models import OutboxEvent
from services.agent.repository import AgentUnit
from services.agent.settings.rules import DEFAULT_FAQ_THRESHOLD
from services.kernel.config import KernelSettings
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from services.kernel.errors import InvalidArgument, NotFound
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import Outbox
from services.kernel.repository import Cursors
from services.kernel.unit import Units
from tests.fixtures.tenants import create_tenant

FAQ = """вопрос;ответ
Есть ли раскладные диваны?;Да, несколько моделей с механизмом трансформации.
Сколько стоит доставка?;500 рублей по городу.
Можно ли вернуть товар?;В течение 14 дней с чеком.
Какая ткань у обивки?;Велюр и рогожка на выбор.
"""
BUYER = "еврокнижки продаете?"
ENTRY = "Есть ли раскладные диваны?"


@pytest.fixture(scope="module")
async def client(db: Database, settings: KernelSettings) -> AsyncIterator[KnowledgeClient]:
    async def no_embedder(tenant: uuid.UUID) -> Embedder | None:
        return None

    units = Units(db, AgentUnit, Outbox(OutboxEvent),
                  cursors=Cursors.from_secret(SecretBox.generate_key()))
    servicer = KnowledgeServicer(units, KnowledgeService(no_embedder), no_embedder)
    binding = ServiceBinding(rpc.add_KnowledgeServiceServicer_to_server, servicer, SERVICE_NAME)
    server = GrpcServer([binding], settings=settings, accepts=permissions.CALLERS["agent"])
    await server.start()
    channel = open_channel(server.address)
    yield KnowledgeClient(channel, settings.caller("gateway"))
    await channel.close()
    await server.stop(1)


async def _answer(db: Database, tenant: uuid.UUID, question: str) -> tuple[str, bool]:
    """FAQ mode's pick and decision at the default threshold."""
    async with db.unit_of_work(tenant) as session:
        hits = await rank_faq(session, question)
    return (hits[0].question if hits else ""), assess(hits, DEFAULT_FAQ_THRESHOLD).answer


async def test_a_group_answers_a_missed_question_in_every_process(
        db: Database, client: KnowledgeClient, tenant_a: uuid.UUID,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # This process's retrieval keeps the tenant's knowledge like any replica would; the RPCs
    # below tell it nothing, so what it sees after them it read through the fingerprint.
    other_process = Vocabularies()
    monkeypatch.setattr(retrieval, "_vocabularies", other_process)
    await client.upload_documents(tenant_a, [pb.DocumentUpload(
        name="faq.csv", mime_type="text/csv", content=FAQ.encode())])
    assert await _answer(db, tenant_a, BUYER) == ("", False)
    kept = other_process.kept(str(tenant_a))
    assert kept is not None

    group = await client.put_synonym_group(tenant_a, ["Еврокнижка", " раскладной  диван "])
    assert list(group.words) == ["еврокнижка", "раскладной диван"]
    # A form of the group's word («еврокнижки») finds it: the group is lemmatised like the FAQ.
    assert await _answer(db, tenant_a, BUYER) == (ENTRY, True)
    moved = other_process.kept(str(tenant_a))
    assert moved is not None and moved[0] != kept[0]
    [hit, *_] = await client.search(tenant_a, BUYER)
    assert hit.question == ENTRY

    await client.put_synonym_group(tenant_a, ["еврокнижка", "рогожка"], id_=group.id)
    assert (await _answer(db, tenant_a, BUYER))[0] == "Какая ткань у обивки?"
    await client.delete_synonym_group(tenant_a, group.id)
    assert await _answer(db, tenant_a, BUYER) == ("", False)
    assert await client.list_synonym_groups(tenant_a) == []


PHONES = """вопрос;ответ
Поддерживает ли телефон eSIM?;Все iPhone с XS поддерживают eSIM.
Есть ли в комплекте переходник?;Переходник на евровилку в комплекте.
Сколько стоит доставка?;500 рублей по городу.
"""


@pytest.mark.parametrize(("buyer", "group", "entry"), [
    # A group in Latin and Cyrillic meets an entry written in Latin (transliterated alike).
    ("встанет ли есимка?", ["есимка", "esim"], "Поддерживает ли телефон eSIM?"),
    # Another form of a group's phrase word («симку» of «симка»): lemmas, as the FAQ gets.
    ("симку виртуальную можно?", ["виртуальная симка", "esim"], "Поддерживает ли телефон eSIM?"),
    ("адаптер есть?", ["адаптер", "переходник"], "Есть ли в комплекте переходник?"),
])
async def test_a_group_is_normalised_like_the_faq(db: Database, client: KnowledgeClient,
                                                  buyer: str, group: list[str], entry: str) -> None:
    tenant = await create_tenant(db, "Phone shop")
    await client.upload_documents(tenant, [pb.DocumentUpload(
        name="faq.csv", mime_type="text/csv", content=PHONES.encode())])
    assert await _answer(db, tenant, buyer) == ("", False)
    await client.put_synonym_group(tenant, group)
    assert await _answer(db, tenant, buyer) == (entry, True)


@pytest.mark.parametrize(("words", "problem"), [
    (["симка"], "at least 2 different words"),
    (["симка", "СИМКА"], "at least 2 different words"),
    (["симка", "  "], "must not be empty"),
    (["симка", "с" * 61], "longer than 60 characters"),
    ([f"слово{i}" for i in range(21)], "at most 20 words"),
])
async def test_a_bad_group_is_refused_with_its_problem_named(
        client: KnowledgeClient, tenant_a: uuid.UUID, words: list[str], problem: str) -> None:
    with pytest.raises(InvalidArgument, match=problem) as refused:
        await client.put_synonym_group(tenant_a, words)
    assert refused.value.problem == "synonym-group-invalid"
    assert await client.list_synonym_groups(tenant_a) == []


async def test_groups_are_listed_replaced_and_capped(
        client: KnowledgeClient, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    first = await client.put_synonym_group(tenant_a, ["симка", "сим-карта", "sim"])
    second = await client.put_synonym_group(tenant_a, ["зарядка", "блок питания"])
    assert [g.id for g in await client.list_synonym_groups(tenant_a)] == [first.id, second.id]
    assert await client.list_synonym_groups(tenant_b) == []
    with pytest.raises(NotFound):  # another tenant's group is not there for it
        await client.put_synonym_group(tenant_b, ["а", "б"], id_=first.id)
    with pytest.raises(NotFound):
        await client.delete_synonym_group(tenant_b, first.id)
    with pytest.raises(NotFound):
        await client.put_synonym_group(tenant_a, ["а", "б"], id_=str(uuid.uuid4()))
    replaced = await client.put_synonym_group(tenant_a, ["симка", "есим"], id_=first.id)
    assert replaced.id == first.id and list(replaced.words) == ["симка", "есим"]
    for i in range(MAX_GROUPS - 2):
        await client.put_synonym_group(tenant_a, [f"слово{i}", f"другое{i}"])
    with pytest.raises(InvalidArgument, match=f"at most {MAX_GROUPS} synonym groups"):
        await client.put_synonym_group(tenant_a, ["ещё", "одна"])

"""KnowledgeService over a real in-process gRPC server with the typed client; embeddings from the
LLM emulator over HTTP; listing documents from real JetStream events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import text

from clients.rpc import permissions, topics
from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.knowledge import KnowledgeClient
from services.agent.knowledge.consumers import KnowledgeConsumers
from services.agent.knowledge.domain import MAX_DOCUMENT_BYTES
from services.agent.knowledge.embeddings import OpenAIEmbedder
from services.agent.knowledge.retrieval import Embedder, EmbedderFor
from services.agent.knowledge.service import KnowledgeService
from services.agent.knowledge.servicer import SERVICE_NAME, KnowledgeServicer
from services.agent.models import OutboxEvent
from services.agent.repository import AgentUnit
from services.agent.settings.endpoint import ENDPOINT_FAILED
from services.kernel.bus import Bus, ConsumerSpec
from services.kernel.config import KernelSettings
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from services.kernel.errors import InvalidArgument, NotFound
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import Outbox
from services.kernel.repository import Cursors
from services.kernel.unit import Units
from services.kernel.urls import OutboundGuard
from switchboard.emulators.llm import LlmEmulatorSettings
from switchboard.emulators.llm import create_app as create_llm_emulator
from switchboard.http_server import BackgroundServer
from tests.fixtures.events import eventually

FAQ_CSV = "вопрос;ответ\nЕсть ли доставка в Казань?;Да, СДЭК за 2–4 дня.\nТорг уместен?;Небольшой.\n"
NOTES_MD = "# Гарантия\nНа новые товары 12 месяцев.\n\n# Самовывоз\nСкладочная, 1.\n"


@dataclass
class Knowledge:
    client: KnowledgeClient
    embedders: dict[uuid.UUID, Embedder] = field(default_factory=dict)
    llm_url: str = ""
    llm: httpx.AsyncClient | None = None
    http: httpx.AsyncClient | None = None  # the URL guard's client, the emulator allowlisted

    def embed_for(self, tenant: uuid.UUID) -> None:
        assert self.http is not None
        self.embedders[tenant] = OpenAIEmbedder(f"{self.llm_url}/v1", "key", "sandbox-embed",
                                                http=self.http, max_retries=2)


def _knowledge_parts(db: Database,
                     embedder_for: EmbedderFor) -> tuple[ServiceBinding, list[ConsumerSpec]]:
    """The knowledge servicer's binding and the knowledge consumers, as the agent runtime
    builds them."""
    units = Units(db, AgentUnit, Outbox(OutboxEvent),
                  cursors=Cursors.from_secret(SecretBox.generate_key()))
    service = KnowledgeService(embedder_for)
    servicer = KnowledgeServicer(units, service, embedder_for)
    binding = ServiceBinding(rpc.add_KnowledgeServiceServicer_to_server, servicer, SERVICE_NAME)
    return binding, KnowledgeConsumers(units, service).specs()


@pytest.fixture(scope="module")
async def knowledge(db: Database, settings: KernelSettings) -> AsyncIterator[Knowledge]:
    embedders: dict[uuid.UUID, Embedder] = {}

    async def embedder_for(tenant: uuid.UUID) -> Embedder | None:
        return embedders.get(tenant)

    binding, _ = _knowledge_parts(db, embedder_for)
    caller = settings.caller("gateway")
    server = GrpcServer([binding], settings=settings, accepts=permissions.CALLERS["agent"])
    await server.start()
    channel = open_channel(server.address)
    async with BackgroundServer(create_llm_emulator(LlmEmulatorSettings())) as llm, \
            httpx.AsyncClient(base_url=llm.url) as control, \
            OutboundGuard(f"{llm.host}:{llm.port}").client(timeout=30) as http:
        yield Knowledge(KnowledgeClient(channel, caller), embedders, llm.url, control, http)
    await channel.close()
    await server.stop(1)


def _doc(name: str, content: str | bytes, mime: str = "") -> pb.DocumentUpload:
    data = content.encode() if isinstance(content, str) else content
    return pb.DocumentUpload(name=name, mime_type=mime, content=data)


async def _embedded(db: Database, tenant: uuid.UUID) -> list[int | None]:
    async with db.unit_of_work(tenant) as session:
        rows = await session.execute(text("SELECT embedding_dim FROM agent.chunks ORDER BY ordinal"))
        return [r[0] for r in rows]


async def test_upload_reports_each_document_and_keeps_nothing_of_failures(
        knowledge: Knowledge, tenant_a: uuid.UUID) -> None:
    results = await knowledge.client.upload_documents(tenant_a, [
        _doc("faq.csv", FAQ_CSV), _doc("prices.csv", "Товар;Цена\nДиван;1\n"),
        _doc("notes.md", NOTES_MD), _doc("photo.jpg", b"\xff\xd8\xff", "image/jpeg")])
    assert [r.name for r in results] == ["faq.csv", "prices.csv", "notes.md", "photo.jpg"]
    faq, prices, notes, photo = results
    assert faq.document.kind == pb.DOCUMENT_KIND_FAQ_CSV and faq.document.chunk_count == 2
    assert faq.document.status == pb.DOCUMENT_STATUS_INDEXED and not faq.replaced
    assert notes.document.kind == pb.DOCUMENT_KIND_MARKDOWN and notes.document.chunk_count == 2
    assert prices.error.startswith("CSV has no question/answer columns: found 'Товар', 'Цена'")
    assert photo.error.startswith("unsupported file type .jpg")
    listed = await knowledge.client.list_documents(tenant_a)
    assert sorted(d.name for d in listed.documents) == ["faq.csv", "notes.md"]


async def test_same_content_replaces_and_limits_are_enforced(knowledge: Knowledge,
                                                             tenant_a: uuid.UUID) -> None:
    [first] = await knowledge.client.upload_documents(tenant_a, [_doc("faq.csv", FAQ_CSV)])
    [again] = await knowledge.client.upload_documents(tenant_a, [_doc("faq v2.csv", FAQ_CSV)])
    assert again.replaced and again.document.id == first.document.id
    assert again.document.name == "faq v2.csv"
    assert len((await knowledge.client.list_documents(tenant_a)).documents) == 1
    with pytest.raises(InvalidArgument, match="larger than 20 MB"):
        await knowledge.client.upload_documents(
            tenant_a, [_doc("huge.txt", b"a" * (MAX_DOCUMENT_BYTES + 1))])
    with pytest.raises(InvalidArgument, match="at least one document"):
        await knowledge.client.upload_documents(tenant_a, [])


async def test_list_pages_delete_and_search(knowledge: Knowledge, tenant_a: uuid.UUID) -> None:
    await knowledge.client.upload_documents(tenant_a, [_doc("faq.csv", FAQ_CSV),
                                                       _doc("notes.md", NOTES_MD)])
    page = await knowledge.client.list_documents(tenant_a, page_size=1)
    rest = await knowledge.client.list_documents(tenant_a, page_size=1,
                                                 cursor=page.page_info.next_cursor)
    assert page.page_info.has_more and not rest.page_info.has_more
    # One upload, one transaction: the same created_at, so the order is by id.
    assert {page.documents[0].name, rest.documents[0].name} == {"notes.md", "faq.csv"}
    faq_id = next(d.id for d in (*page.documents, *rest.documents) if d.name == "faq.csv")

    [hit, *_] = await knowledge.client.search(tenant_a, "а доставка в Казань есть?")
    assert hit.kind == pb.CHUNK_KIND_FAQ and hit.document_name == "faq.csv"
    assert hit.question == "Есть ли доставка в Казань?" and hit.score >= 0.9
    [warranty, *_] = await knowledge.client.search(tenant_a, "гарантия сколько", limit=1)
    assert warranty.kind == pb.CHUNK_KIND_TEXT and warranty.text.startswith("Гарантия\n")

    await knowledge.client.delete_document(tenant_a, faq_id)
    with pytest.raises(NotFound):
        await knowledge.client.delete_document(tenant_a, faq_id)
    assert all(h.document_name != "faq.csv"
               for h in await knowledge.client.search(tenant_a, "доставка в Казань"))
    with pytest.raises(InvalidArgument, match="query must not be empty"):
        await knowledge.client.search(tenant_a, "   ")


async def test_embeddings_on_upload_failures_and_reindex(knowledge: Knowledge, db: Database,
                                                         tenant_a: uuid.UUID) -> None:
    knowledge.embed_for(tenant_a)
    assert knowledge.llm is not None
    # One 500 is retried by the client; ten are not: the document is kept, marked failed.
    await knowledge.llm.post("/_emulator/faults", json={"endpoint": "embeddings", "status": 500,
                                                        "count": 1})
    [ok] = await knowledge.client.upload_documents(tenant_a, [_doc("faq.csv", FAQ_CSV)])
    assert ok.document.status == pb.DOCUMENT_STATUS_INDEXED
    assert await _embedded(db, tenant_a) == [256, 256]
    await knowledge.llm.post("/_emulator/faults", json={"endpoint": "embeddings", "status": 503,
                                                        "count": 10})
    [failed] = await knowledge.client.upload_documents(tenant_a, [_doc("notes.md", NOTES_MD)])
    assert failed.document.status == pb.DOCUMENT_STATUS_FAILED
    assert "embeddings failed" in failed.document.error and "re-index" in failed.document.error
    # The tenant's endpoint failing says so in one sentence: no status code from the other side.
    assert ENDPOINT_FAILED in failed.document.error and "503" not in failed.document.error
    await knowledge.llm.delete("/_emulator/faults")
    [hit] = await knowledge.client.search(tenant_a, "самовывоз", limit=1)  # full text still works
    assert hit.document_name == "notes.md"

    results = await knowledge.client.reindex_documents(tenant_a)
    assert {r.document.status for r in results} == {pb.DOCUMENT_STATUS_INDEXED}
    assert all(dim == 256 for dim in await _embedded(db, tenant_a))
    [missing] = await knowledge.client.reindex_documents(tenant_a, [str(uuid.uuid4())])
    assert missing.error.endswith("not found")


async def _publish_listing(bus: Bus, tenant: uuid.UUID, channel_id: str, item: str,
                           title: str, price_minor: int, status: str) -> None:
    event = channel_events.ListingUpdated(channel_id=channel_id, status=status, listing=common.Listing(
        external_id=item, title=title, price_minor=price_minor, has_price=True,
        url=f"https://www.avito.ru/items/{item}"))
    await bus.publish(topics.LISTING_UPDATED.subject(tenant), event.SerializeToString(),
                      msg_id=f"test-listing:{uuid.uuid4()}")


async def test_listing_events_keep_one_document_per_item(
        knowledge: Knowledge, db: Database, bus: Bus, settings: KernelSettings,
        tenant_a: uuid.UUID) -> None:
    import asyncio

    from services.kernel.bus import run_consumers

    _, consumers = _knowledge_parts(db, lambda _: _none())
    stop = asyncio.Event()
    task = asyncio.create_task(run_consumers(bus, consumers, stop))
    channel_id = str(uuid.uuid4())
    try:
        await _publish_listing(bus, tenant_a, channel_id, "42", "Велосипед горный", 1850000, "active")

        async def found(words: str) -> pb.KnowledgeHit | None:
            hits = await knowledge.client.search(tenant_a, words, limit=1)
            return hits[0] if hits and hits[0].kind == pb.CHUNK_KIND_LISTING else None

        hit = await eventually(lambda: found("велосипед"))
        assert hit.text == ("Велосипед горный — 18 500 ₽ — https://www.avito.ru/items/42 — в продаже")
        await _publish_listing(bus, tenant_a, channel_id, "42", "Велосипед горный", 1700000, "active")
        await eventually(lambda: _text_contains(knowledge, tenant_a, "17 000 ₽"))
        docs = (await knowledge.client.list_documents(tenant_a)).documents
        assert [(d.kind, d.source_ref) for d in docs] == [
            (pb.DOCUMENT_KIND_LISTING, f"listing:{channel_id}:42")]
        await _publish_listing(bus, tenant_a, channel_id, "42", "", 0, "not_found")
        await eventually(lambda: _no_documents(knowledge, tenant_a))
    finally:
        stop.set()
        await task


async def _none() -> None:
    return None


async def _text_contains(knowledge: Knowledge, tenant: uuid.UUID, part: str) -> bool:
    hits = await knowledge.client.search(tenant, "велосипед", limit=1)
    return bool(hits) and part in hits[0].text


async def _no_documents(knowledge: Knowledge, tenant: uuid.UUID) -> bool:
    return not (await knowledge.client.list_documents(tenant)).documents

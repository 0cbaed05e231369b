"""An external message id that comes again with other content: the first stays, and the
collision is logged with both texts' hashes — never swallowed as a plain redelivery (the Avito
emulator once gave out the same ids again after a restart, and new messages vanished)."""

from __future__ import annotations

import hashlib
import logging
import uuid

import pytest
from sqlalchemy import select

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.conversations.ingest.inbound import Ingestor
from services.conversations.models import Message, OutboxEvent
from services.conversations.repository import ConversationsUnit
from services.kernel.db import Database
from services.kernel.outbox import Outbox
from services.kernel.tenancy import tenant_scope
from services.kernel.unit import Units
from tests.fixtures.events import unified

LOGGER = "services.conversations.ingest.inbound"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def collisions(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


async def stored_texts(db: Database, tenant: uuid.UUID, external_id: str) -> list[str]:
    async with db.unit_of_work(tenant) as session:
        return list((await session.scalars(select(Message.text).where(
            Message.external_message_id == external_id))).all())


async def ingest(db: Database, tenant: uuid.UUID, *messages: common.UnifiedMessage,
                 one_by_one: bool = False) -> None:
    ingestor, units = Ingestor(), Units(db, ConversationsUnit, Outbox(OutboxEvent))
    with tenant_scope(tenant):
        async with units(tenant) as unit:
            if one_by_one:
                for m in messages:
                    await ingestor.ingest(unit, m)
            else:
                await ingestor.ingest_many(unit, [(m, False) for m in messages])


@pytest.mark.parametrize("one_by_one", [False, True], ids=["batch", "one by one"])
async def test_the_same_id_with_other_text_is_logged_and_the_first_kept(
        db: Database, tenant_a: uuid.UUID, tenant_b: uuid.UUID, one_by_one: bool,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, LOGGER)
    channel, external_id = uuid.uuid4(), f"m-{uuid.uuid4().hex}"
    first = unified(channel, "chat-1", external_id, "Велосипед ещё продаётся?")
    await ingest(db, tenant_a, first, one_by_one=one_by_one)
    await ingest(db, tenant_a, unified(channel, "chat-1", external_id, "Велосипед ещё продаётся?"),
                 one_by_one=one_by_one)
    assert collisions(caplog) == []  # a redelivery of the same message is no collision

    await ingest(db, tenant_a, unified(channel, "chat-1", external_id, "Другой вопрос: диван?"),
                 one_by_one=one_by_one)
    [record] = collisions(caplog)
    assert record.external_message_id == external_id  # type: ignore[attr-defined]
    assert record.stored_text_sha256 == sha("Велосипед ещё продаётся?")  # type: ignore[attr-defined]
    assert record.new_text_sha256 == sha("Другой вопрос: диван?")  # type: ignore[attr-defined]
    assert "Другой" not in record.getMessage() and "Велосипед" not in str(record.__dict__)
    assert await stored_texts(db, tenant_a, external_id) == ["Велосипед ещё продаётся?"]
    assert await stored_texts(db, tenant_b, external_id) == []

"""What conversations counts against the plan's messages_per_month (issue #16), on its real
runtime: a buyer's message once however often it is delivered, a send once, an echo linked to
our send nothing, and an echo stored before its send's delivery report then folded into the
send nothing either; sends at once never pass the limit."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.conversations.quotas.repository import UsageMonthsRepository
from services.kernel.bus import Bus
from services.kernel.db import Database
from services.kernel.errors import QuotaExceeded
from services.kernel.plans import month_of
from tests.fixtures.events import eventually, publish_inbound, unified
from tests.fixtures.plans import give_plan
from tests.services.conversations.test_conversations import _deliver, _message, _only_conversation


async def _counted(db: Database, tenant: uuid.UUID) -> int:
    async with db.unit_of_work(tenant) as session:
        return await UsageMonthsRepository(session, tenant).used(month_of(datetime.now(UTC)))


async def test_each_message_is_counted_once(client: ConversationsClient, bus: Bus, db: Database,
                                            tenant_a: uuid.UUID) -> None:
    channel = uuid.uuid4()
    buyer = unified(channel, "u2i-q1", "in-q1", "Цена?")
    await publish_inbound(bus, tenant_a, buyer)
    await publish_inbound(bus, tenant_a, buyer)  # a redelivery
    conv = await _only_conversation(client, tenant_a)
    await eventually(lambda: _counted(db, tenant_a))

    linked = await client.send_message(tenant_a, conv.id, "1000 рублей")
    await publish_inbound(bus, tenant_a, unified(channel, "u2i-q1", "ext-l", "1000 рублей",
                                                 echo=True))
    await _message(client, tenant_a, conv.id, linked.id, pb.MESSAGE_STATUS_SENT)

    # An echo whose text is not our send's (Avito's rendering of it) is stored as an app
    # reply, then folded into the send when its delivery report names the same message.
    folded = await client.send_message(tenant_a, conv.id, "Доставка завтра")
    await publish_inbound(bus, tenant_a, unified(channel, "u2i-q1", "ext-f", "Доставка завтра!",
                                                 echo=True))

    async def stored_twice() -> bool:
        return len((await client.list_messages(tenant_a, conv.id)).messages) == 4
    await eventually(stored_twice)
    assert await _counted(db, tenant_a) == 4
    await _deliver(bus, tenant_a, folded, channel, "ext-f")

    async def merged() -> bool:
        return len((await client.list_messages(tenant_a, conv.id)).messages) == 3 \
            and await _counted(db, tenant_a) == 3
    await eventually(merged)


async def test_sends_at_once_cannot_pass_the_limit(client: ConversationsClient, bus: Bus,
                                                   db: Database, tenant_a: uuid.UUID) -> None:
    await give_plan(bus, tenant_a, "free", messages_per_month=3)
    await publish_inbound(bus, tenant_a, unified(uuid.uuid4(), "u2i-q2", "in-q2", "Есть?"))
    conv = await _only_conversation(client, tenant_a)
    await eventually(lambda: _counted(db, tenant_a))
    results = await asyncio.gather(*(client.send_message(tenant_a, conv.id, f"Ответ {i}")
                                     for i in range(6)), return_exceptions=True)
    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    assert len(refused) == 4 and all(isinstance(r, pb.Message) for r in results
                                     if r not in refused), results
    assert {(r.quota, r.limit, r.used) for r in refused} == {("messages_per_month", 3, 3)}
    assert await _counted(db, tenant_a) == 3
    assert len((await client.list_messages(tenant_a, conv.id)).messages) == 3

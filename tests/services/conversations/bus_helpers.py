"""Positive signals for the conversations tests: a durable consumer has acked up to a message,
and every event of a kind the service emitted is in JetStream (so an absence is real)."""

from __future__ import annotations

import uuid
from typing import Any

from nats.js.api import PubAck
from sqlalchemy import text

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from services.kernel.bus import Bus
from services.kernel.db import Database
from services.kernel.wire import Durable, Topic
from tests.fixtures.events import eventually


async def handled(bus: Bus, durable: Durable, ack: PubAck) -> None:
    """`durable` acked everything up to the message `ack` acknowledges."""
    async def done() -> bool:
        info = await bus.js.consumer_info(durable.topic.stream.name, durable.name)
        return bool(info.ack_floor and info.ack_floor.stream_seq >= ack.seq
                    and not info.num_ack_pending and not info.num_pending)
    await eventually(done)


async def conversation_updates(bus: Bus, db: Database,
                               tenant: uuid.UUID) -> list[ev.ConversationUpdated]:
    """Every conversation.updated of the tenant JetStream holds (see `relayed_events`)."""
    return await relayed_events(bus, db, tenant, topics.CONVERSATION_UPDATED)


async def relayed_events(bus: Bus, db: Database, tenant: uuid.UUID, topic: Topic) -> list[Any]:
    """Every event of `topic` of the tenant JetStream holds, decoded, once the outbox has
    relayed them all (the relay publishes a row before it deletes it, in one transaction)."""
    async def relayed() -> bool:
        async with db.unit_of_work(tenant) as session:
            return not await session.scalar(text(
                "SELECT count(*) FROM conversations.outbox WHERE subject LIKE :suffix"),
                {"suffix": f"%.{topic.suffix}"})
    await eventually(relayed)
    subject = topic.subject(tenant)
    info = await bus.js.stream_info("SB_CONVERSATIONS", subjects_filter=subject)
    count = (info.state.subjects or {}).get(subject, 0)
    found = []
    if count:
        sub = await bus.js.subscribe(subject, ordered_consumer=True)
        for _ in range(count):
            found.append(topic.decode((await sub.next_msg(timeout=5)).data))
        await sub.unsubscribe()
    return found

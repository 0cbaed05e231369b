"""Snooze through the real gRPC server, PostgreSQL and NATS: the rules of snoozed_until, the
platform job conversations.wake_snoozed fired as the scheduling service fires it (over gRPC,
its credential) waking what is due in every tenant, and a buyer's message waking at once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.platform_jobs import PlatformJobRunnerClient
from services.conversations.inbox.snooze import Waker
from services.conversations.models import OutboxEvent
from services.conversations.repository import ConversationsUnit
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.errors import InvalidArgument, PermissionDenied
from services.kernel.outbox import Outbox
from services.kernel.runtime import ServiceRuntime
from services.kernel.unit import Units
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.fixtures.events import eventually, publish_inbound, unified
from tests.services.conversations.bus_helpers import conversation_updates

JOB = "conversations.wake_snoozed"


@pytest.fixture(scope="module")
async def jobs(runtime: ServiceRuntime, settings: KernelSettings,
               credentials: Credentials) -> AsyncIterator[PlatformJobRunnerClient]:
    caller = as_component(settings, credentials, "scheduling").caller("scheduling")
    client = PlatformJobRunnerClient(open_channel(runtime.grpc.address), caller)
    yield client
    await client.channel.close()


async def _conversation(client: ConversationsClient, bus: Bus, tenant: uuid.UUID,
                        chat: str) -> pb.Conversation:
    channel = uuid.uuid4()
    await publish_inbound(bus, tenant, unified(channel, chat, f"{chat}-1", "Есть в наличии?"))

    async def stored() -> pb.Conversation | None:
        convs = (await client.list_conversations(tenant)).conversations
        return next((c for c in convs if c.external_chat_id == chat), None)
    return await eventually(stored)


def _snooze(id_: str, until: datetime | None, status: int = pb.CONVERSATION_STATUS_SNOOZED
            ) -> pb.UpdateConversationRequest:
    request = pb.UpdateConversationRequest(id=id_, update_fields=["status"], status=status)
    if until is not None:
        request.snoozed_until.FromDatetime(until)
    return request


async def _due_now(db: Database, tenant: uuid.UUID, id_: str) -> None:
    """Its time has come (moved back instead of waiting for it)."""
    async with db.unit_of_work(tenant) as session:
        await session.execute(text(
            "UPDATE conversations.conversations SET snoozed_until = now() - interval '1 second' "
            "WHERE id = :id"), {"id": id_})


async def test_snoozed_until_rules(client: ConversationsClient, bus: Bus,
                                   tenant_a: uuid.UUID) -> None:
    c = await _conversation(client, bus, tenant_a, "u2i-s-rules")
    now = datetime.now(UTC)
    for until, status in ((None, pb.CONVERSATION_STATUS_SNOOZED),
                          (now - timedelta(minutes=1), pb.CONVERSATION_STATUS_SNOOZED),
                          (now + timedelta(days=91), pb.CONVERSATION_STATUS_SNOOZED),
                          (now + timedelta(hours=1), pb.CONVERSATION_STATUS_OPEN)):
        with pytest.raises(InvalidArgument):
            await client.update_conversation(tenant_a, _snooze(c.id, until, status))
    until = now + timedelta(days=89)
    snoozed = await client.update_conversation(tenant_a, _snooze(c.id, until))
    assert snoozed.status == pb.CONVERSATION_STATUS_SNOOZED
    assert abs(snoozed.snoozed_until.ToDatetime(tzinfo=UTC) - until) < timedelta(milliseconds=1)
    listed = await client.list_conversations(tenant_a, filter=pb.ConversationFilter(
        status=pb.CONVERSATION_STATUS_SNOOZED))
    assert [x.id for x in listed.conversations] == [c.id]
    resolved = await client.update_conversation(
        tenant_a, _snooze(c.id, None, pb.CONVERSATION_STATUS_RESOLVED))
    assert not resolved.HasField("snoozed_until")  # any other status clears it


async def test_the_job_wakes_what_is_due_in_every_tenant(
        client: ConversationsClient, bus: Bus, db: Database, jobs: PlatformJobRunnerClient,
        tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    due_a = await _conversation(client, bus, tenant_a, "u2i-s-a")
    waiting = await _conversation(client, bus, tenant_a, "u2i-s-later")
    due_b = await _conversation(client, bus, tenant_b, "u2i-s-b")
    for tenant, c in ((tenant_a, due_a), (tenant_a, waiting), (tenant_b, due_b)):
        await client.update_conversation(tenant, _snooze(c.id, later))
    await _due_now(db, tenant_a, due_a.id)
    await _due_now(db, tenant_b, due_b.id)
    answer = await jobs.run(JOB, "test-run", 10.0)
    assert (answer.failed, answer.remaining) == (0, 0) and answer.processed >= 2
    for tenant, c in ((tenant_a, due_a), (tenant_b, due_b)):
        woken = await client.get_conversation(tenant, c.id)
        assert woken.status == pb.CONVERSATION_STATUS_OPEN
        assert not woken.HasField("snoozed_until")
    still = await client.get_conversation(tenant_a, waiting.id)
    assert still.status == pb.CONVERSATION_STATUS_SNOOZED
    updates = await conversation_updates(bus, db, tenant_b)
    assert updates[-1].conversation.id == due_b.id
    assert updates[-1].conversation.status == pb.CONVERSATION_STATUS_OPEN
    again = await jobs.run(JOB, "test-run-2", 10.0)  # woken once: nothing of them is due
    assert again.processed == answer.processed - 2 and again.failed == 0


async def test_a_buyer_message_wakes_it_at_once(client: ConversationsClient, bus: Bus,
                                                tenant_a: uuid.UUID) -> None:
    c = await _conversation(client, bus, tenant_a, "u2i-s-buyer")
    await client.update_conversation(
        tenant_a, _snooze(c.id, datetime.now(UTC) + timedelta(days=3)))
    await publish_inbound(bus, tenant_a, unified(uuid.UUID(c.channel_id), "u2i-s-buyer",
                                                 "u2i-s-buyer-2", "Ау, вы тут?"))

    async def woken() -> pb.Conversation | None:
        got = await client.get_conversation(tenant_a, c.id)
        return got if got.status == pb.CONVERSATION_STATUS_OPEN else None
    assert not (await eventually(woken)).HasField("snoozed_until")


async def test_only_scheduling_asks_for_the_round(
        runtime: ServiceRuntime, settings: KernelSettings,
        jobs: PlatformJobRunnerClient) -> None:
    gateway = PlatformJobRunnerClient(open_channel(runtime.grpc.address),
                                      settings.caller("gateway"))
    try:
        with pytest.raises(PermissionDenied):
            await gateway.run(JOB, "test-run", 5.0)
    finally:
        await gateway.channel.close()
    with pytest.raises(InvalidArgument):
        await jobs.run("channels.reconcile", "test-run", 5.0)


async def test_a_round_takes_its_batch_and_stops_at_its_deadline(
        client: ConversationsClient, bus: Bus, db: Database, tenant_a: uuid.UUID) -> None:
    units = Units(db, ConversationsUnit, Outbox(OutboxEvent))
    later = datetime.now(UTC) + timedelta(hours=2)
    ids = []
    for i in range(2):
        c = await _conversation(client, bus, tenant_a, f"u2i-s-batch{i}")
        await client.update_conversation(tenant_a, _snooze(c.id, later))
        await _due_now(db, tenant_a, c.id)
        ids.append(c.id)
    cut = await Waker(units, batch=1).round(0.0)  # its deadline passed before any work
    assert (cut.processed, cut.remaining) == (0, 1)
    full = await Waker(units, batch=1).round(10.0)  # a full batch: due again at once
    assert (full.processed, full.failed, full.remaining) == (1, 0, 1)
    rest = await Waker(units, batch=10).round(10.0)
    assert (rest.processed, rest.remaining) == (1, 0)
    for id_ in ids:
        assert (await client.get_conversation(tenant_a, id_)).status == \
            pb.CONVERSATION_STATUS_OPEN

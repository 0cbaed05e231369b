"""Backfill and reconciliation of the channels service, for real: the channels runtime on its
own PostgreSQL database and nats-server, the Avito emulator over HTTP.

No scheduling service asks for rounds here (and conftest turns sync_on_request off); tests
drive them with `runtime.sync.run_once`, so each pass is exactly the one a test asks for.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from services.channels.models import ChannelAccount
from services.channels.runtime import ChannelsRuntime
from services.channels.sync.reconcile import Reconciler
from services.channels.sync.repository import SyncClaim
from services.channels.sync.scheduler import SyncScheduler
from services.kernel.bus import Bus
from services.kernel.db import Database
from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound
from tests.services.channels import sync_helpers
from tests.services.channels.conftest import Avito, Listener
from tests.services.channels.sync_helpers import (
    connect,
    inbound_of,
    read_on_avito,
    settle,
    stored_inbound,
    sync_row,
)

Listen = Callable[[str], Awaitable[Listener]]
stop = sync_helpers.stop
# Fixtures shared with the other sync tests (autouse: each test starts with nothing due).
nothing_due = sync_helpers.nothing_due


# -- backfill and reconciliation -----------------------------------------------------------

async def test_backfill_imports_old_chats_as_history(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen, stop: asyncio.Event) -> None:
    account = await avito.account(items=[{"title": "Велосипед", "price": 18500},
                                         {"title": "Диван", "price": 34990}])
    user_id, (bike, sofa) = account["user_id"], account["items"]
    first = await avito.incoming(user_id, item_id=bike["id"], text="Велосипед ещё продаётся?",
                                 author_name="Пётр")
    await avito.incoming(user_id, chat_id=first["chat_id"], text="Торг уместен?")
    second = await avito.incoming(user_id, item_id=sofa["id"], text="Диван в наличии?",
                                  author_name="Анна")
    profile = await avito.incoming(user_id, chat_id="u2u-" + uuid.uuid4().hex[:22],
                                   text="Добрый день!", author_name="Олег")
    await read_on_avito(avito, account, second["chat_id"])
    await asyncio.sleep(1)  # history is what was written before the second of connecting

    channel = await connect(channels, account, tenant_a)
    due = await sync_row(stack_db, tenant_a, channel.id)
    assert due.backfilled_at is None and due.next_due_at <= datetime.now(UTC)
    inbound = await listen(f"sb.channels.{tenant_a}.message.inbound")
    listings = await listen(f"sb.channels.{tenant_a}.listing.updated")
    assert await runtime.sync.run_once(stop) == 1  # type: ignore[union-attr]

    await inbound.wait(4)
    events = {e.message.external_message_id: e for e in inbound_of(inbound)}
    assert len(events) == 4 and all(e.historical for e in events.values())
    assert not any(e.HasField("received_at") for e in events.values())
    by_chat = {e.message.external_chat_id: e.message for e in events.values()}
    assert (by_chat[first["chat_id"]].author_name,
            by_chat[first["chat_id"]].listing.title,
            by_chat[first["chat_id"]].listing.price_minor) == ("Пётр", "Велосипед", 1_850_000)
    assert by_chat[second["chat_id"]].listing.price_minor == 3_499_000
    assert by_chat[second["chat_id"]].read and not by_chat[first["chat_id"]].read
    assert by_chat[profile["chat_id"]].author_name == "Олег"
    assert by_chat[profile["chat_id"]].listing.external_id == ""  # u2u: no listing
    # Both items are now cached and announced.
    announced = [ev.ListingUpdated.FromString(m.data) for m in await listings.wait(2)]
    assert {a.listing.title for a in announced} == {"Велосипед", "Диван"}

    row = await sync_row(stack_db, tenant_a, channel.id)
    assert row.backfilled_at is not None and row.failures == 0 and row.synced_until > 0
    assert timedelta(seconds=250) < row.next_due_at - datetime.now(UTC) < timedelta(seconds=340)
    async with stack_db.unit_of_work(tenant_a) as session:
        synced = await session.scalar(select(ChannelAccount.last_sync_at).where(
            ChannelAccount.id == uuid.UUID(channel.id)))
    assert synced is not None


async def test_reconciliation_imports_exactly_what_webhooks_missed(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_bus: Bus,
        tenant_a: uuid.UUID, listen: Listen, stop: asyncio.Event) -> None:
    account = await avito.account(items=[{"title": "Шкаф", "price": 12000}])
    user_id = account["user_id"]
    old = await avito.incoming(user_id, text="Шкаф продаёте?", author_name="Вера")
    channel = await connect(channels, account, tenant_a)  # no webhook: every delivery is lost
    await runtime.sync.run_once(stop)  # type: ignore[union-attr]  # the backfill

    inbound = await listen(f"sb.channels.{tenant_a}.message.inbound")
    stored_before = await stored_inbound(stack_bus, tenant_a)
    missed = [await avito.incoming(user_id, chat_id=old["chat_id"], text="Алло?"),
              await avito.incoming(user_id, text="А доставка есть?", author_name="Глеб")]
    scheduled = await channels.sync_channel(tenant_a, channel.id)
    assert abs(scheduled.scheduled_for.ToDatetime(tzinfo=UTC) - datetime.now(UTC)) < \
        timedelta(seconds=5)
    assert await runtime.sync.run_once(stop) == 1  # type: ignore[union-attr]
    await settle(inbound)
    events = {e.message.external_message_id: e for e in inbound_of(inbound)}
    missed_ids = {m["message_id"] for m in missed}
    # Messages within sync_overlap_s of the last pass are looked at again; JetStream drops
    # their copies (same Nats-Msg-Id), so exactly the missed ones are new in the stream.
    assert missed_ids <= set(events) <= missed_ids | {old["message_id"]}
    assert await stored_inbound(stack_bus, tenant_a) == stored_before + len(missed)
    assert not any(events[i].historical or events[i].HasField("received_at") for i in missed_ids)
    assert {events[i].message.author_name for i in missed_ids} == {"Вера", "Глеб"}

    # Nothing new: the next pass adds nothing.
    await channels.sync_channel(tenant_a, channel.id)
    await runtime.sync.run_once(stop)  # type: ignore[union-attr]
    await settle(inbound)
    assert await stored_inbound(stack_bus, tenant_a) == stored_before + len(missed)


async def test_sync_channel_errors(channels: ChannelsClient, avito: Avito,
                                   tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    channel = await connect(channels, await avito.account(), tenant_a)
    with pytest.raises(NotFound):
        await channels.sync_channel(tenant_b, channel.id)  # another tenant's channel
    with pytest.raises(InvalidArgument):
        await channels.sync_channel(tenant_a, "not-a-uuid")


async def test_disconnected_account_is_skipped(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen, stop: asyncio.Event) -> None:
    account = await avito.account()
    await avito.incoming(account["user_id"], text="Есть кто?")
    channel = await connect(channels, account, tenant_a)
    async with stack_db.unit_of_work(tenant_a) as session:
        await session.execute(text("UPDATE channels.channel_accounts SET status = 2, "
                                   "disconnected_at = now() WHERE id = :id"), {"id": channel.id})
    with pytest.raises(FailedPrecondition):
        await channels.sync_channel(tenant_a, channel.id)
    inbound = await listen(f"sb.channels.{tenant_a}.message.inbound")
    before = await sync_row(stack_db, tenant_a, channel.id)
    claims = await runtime.sync.claim()  # type: ignore[union-attr]
    assert [c.channel_id for c in claims] == [uuid.UUID(channel.id)]
    assert await runtime.sync.work(claims[0], stop) == "skipped"  # type: ignore[union-attr]
    await settle(inbound)
    assert inbound.messages == []
    after = await sync_row(stack_db, tenant_a, channel.id)
    assert after.backfilled_at is None and after.next_due_at > before.next_due_at


async def test_failed_pass_records_the_reason_and_backs_off(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_db: Database,
        tenant_a: uuid.UUID, stop: asyncio.Event) -> None:
    account = await avito.account()
    channel = await connect(channels, account, tenant_a)
    await avito.fault("chats", 503, count=10)
    try:
        claims = await runtime.sync.claim()  # type: ignore[union-attr]
        assert await runtime.sync.work(claims[0], stop) == "failed"  # type: ignore[union-attr]
    finally:
        await avito.clear_faults()
    row = await sync_row(stack_db, tenant_a, channel.id)
    assert row.failures == 1 and "Avito is not answering" in row.last_error
    assert row.backfilled_at is None
    # First retry after sync_retry_base_s (15 s) ± 10 %, not the whole interval.
    assert timedelta(seconds=10) < row.next_due_at - datetime.now(UTC) < timedelta(seconds=20)


async def test_a_stopping_service_gives_the_account_back_at_once(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_db: Database,
        tenant_a: uuid.UUID) -> None:
    account = await avito.account()
    await avito.incoming(account["user_id"], text="Вы тут?")
    channel = await connect(channels, account, tenant_a)
    claims = await runtime.sync.claim()  # type: ignore[union-attr]
    leased = await sync_row(stack_db, tenant_a, channel.id)
    assert leased.next_due_at > datetime.now(UTC) + timedelta(minutes=10)  # the lease
    stopping = asyncio.Event()
    stopping.set()
    assert await runtime.sync.work(claims[0], stopping) == "interrupted"  # type: ignore[union-attr]
    released = await sync_row(stack_db, tenant_a, channel.id)
    assert released.next_due_at <= datetime.now(UTC) and released.backfilled_at is None


class WatchedReconciler(Reconciler):
    """The real pass, with a record of how many passes of one account ran at once."""

    def __init__(self, inner: Reconciler) -> None:
        self.__dict__.update(inner.__dict__)
        self.running: dict[uuid.UUID, int] = {}
        self.overlaps = 0
        self.passes: list[uuid.UUID] = []

    async def run(self, claim: SyncClaim, stop: asyncio.Event) -> Any:
        self.running[claim.channel_id] = self.running.get(claim.channel_id, 0) + 1
        self.overlaps += self.running[claim.channel_id] > 1
        try:
            await asyncio.sleep(0.05)  # widen the window a second claimer would have
            return await super().run(claim, stop)
        finally:
            self.running[claim.channel_id] -= 1
            self.passes.append(claim.channel_id)


async def test_two_schedulers_never_work_one_account_at_once(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito,
        tenant_a: uuid.UUID, tenant_b: uuid.UUID, stop: asyncio.Event) -> None:
    accounts = [await avito.account() for _ in range(6)]
    for index, account in enumerate(accounts):
        await avito.incoming(account["user_id"], text=f"Сообщение {index}")
    connected = {uuid.UUID((await connect(channels, a, tenant_a if i % 2 else tenant_b)).id)
                 for i, a in enumerate(accounts)}
    assert runtime.sync is not None
    watched = WatchedReconciler(runtime.sync._reconciler)
    settings = runtime.sync._settings.model_copy(update={"sync_batch": 2})
    schedulers = [SyncScheduler(runtime.sync._units, watched, settings) for _ in range(2)]

    # Two claimers at the same moment split the due rows between them.
    first, second = await asyncio.gather(schedulers[0].claim(), schedulers[1].claim())
    assert not {c.channel_id for c in first} & {c.channel_id for c in second}
    await asyncio.gather(*(s.work(c, stop) for s, cs in zip(schedulers, (first, second),
                                                            strict=True) for c in cs))

    async def drain(scheduler: SyncScheduler) -> None:
        while await scheduler.run_once(stop):
            pass
    await asyncio.gather(*(drain(s) for s in schedulers))
    assert watched.overlaps == 0
    assert sorted(watched.passes) == sorted(connected)  # each account exactly once

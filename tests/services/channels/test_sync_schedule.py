"""The reconciliation loop firing on its own: the scheduler's clock is moved by hand, and the
loop — not a test calling `run_once` — runs the periodic pass that brings a message whose
webhook the emulator dropped."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from services.channels.runtime import ChannelsRuntime
from services.channels.sync.scheduler import SyncScheduler
from services.kernel.db import Database
from tests.services.channels import sync_helpers
from tests.services.channels.conftest import Avito, Listener, eventually
from tests.services.channels.sync_helpers import inbound_of, sync_row

Listen = Callable[[str], Awaitable[Listener]]
stop = sync_helpers.stop
# Fixtures shared with the other sync tests (autouse: each test starts with nothing due).
nothing_due = sync_helpers.nothing_due


class ManualClock:
    """The scheduler's Clock, moved by the test; sleepers wake when it has moved far enough."""

    def __init__(self) -> None:
        self.value = datetime.now(UTC)
        self._moved = asyncio.Event()

    def now(self) -> datetime:
        return self.value

    async def sleep(self, seconds: float) -> None:
        until = self.value + timedelta(seconds=seconds)
        while self.value < until:
            await self._moved.wait()

    def advance(self, seconds: float) -> None:
        self.value += timedelta(seconds=seconds)
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()


async def test_the_loop_runs_the_periodic_pass_when_its_interval_has_passed(
        runtime: ChannelsRuntime, channels: ChannelsClient, avito: Avito, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen) -> None:
    assert runtime.sync is not None
    account = await avito.account(items=[{"title": "Комод", "price": 7000}])
    channel = await channels.connect_avito_account(tenant_a, pb.ConnectAvitoAccountRequest(
        name="Магазин", client_id=account["client_id"], client_secret=account["client_secret"],
        subscribe_webhook=True))
    settings = runtime.sync._settings.model_copy(update={"sync_poll_s": 5.0})
    clock = ManualClock()  # from now on: the new account is due
    scheduler = SyncScheduler(runtime.sync._units, runtime.sync._reconciler, settings,
                              clock=clock)
    inbound = await listen(f"sb.channels.{tenant_a}.message.inbound")
    stopping = asyncio.Event()
    loop = asyncio.create_task(scheduler.run(stopping))
    try:
        async def backfilled() -> bool:  # the new account was due at once: the loop took it
            return (await sync_row(stack_db, tenant_a, channel.id)).backfilled_at is not None
        await eventually(backfilled)
        (await avito.http.post("/_emulator/faults", json={"drop_webhooks": 1})).raise_for_status()
        missed = await avito.incoming(account["user_id"], text="Комод ещё продаётся?")

        async def dropped() -> bool:
            log = (await avito.http.get("/_emulator/deliveries")).json()["deliveries"]
            return any(d["message_id"] == missed["message_id"] and d["state"] == "dropped"
                       for d in log)
        await eventually(dropped)

        interval = settings.sync_interval_s * (1 + settings.sync_jitter)
        clock.advance(interval + 1)  # the next pass is due, and the loop's poll has run out

        async def arrived() -> list[str]:
            return [e.message.external_message_id for e in inbound_of(inbound)]
        assert await eventually(arrived) == [missed["message_id"]]
        [event] = inbound_of(inbound)
        assert not event.historical  # late, but live

        async def rescheduled() -> bool:  # the pass completed: the next one is an interval on
            due = (await sync_row(stack_db, tenant_a, channel.id)).next_due_at - clock.now()
            return timedelta(seconds=250) < due < timedelta(seconds=340)
        await eventually(rescheduled)
    finally:
        stopping.set()
        await loop
        await avito.clear_faults()

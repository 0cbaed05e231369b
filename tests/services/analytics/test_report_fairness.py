"""TenantSlots: one tenant's reports one at a time, other tenants' beside them, nothing kept
once a tenant has no report in hand."""

from __future__ import annotations

import asyncio
import uuid

from services.analytics.reports.fairness import TenantSlots


async def test_a_tenants_reports_queue_while_anothers_go_through() -> None:
    slots, big, small = TenantSlots(per_tenant=1), uuid.uuid4(), uuid.uuid4()
    first_in, release, order = asyncio.Event(), asyncio.Event(), []

    async def render(tenant: uuid.UUID, name: str, hold: bool) -> None:
        async with slots(tenant):
            order.append(name)
            if hold:
                first_in.set()
                await release.wait()

    first = asyncio.create_task(render(big, "big-1", hold=True))
    await first_in.wait()
    second = asyncio.create_task(render(big, "big-2", hold=False))
    await asyncio.sleep(0)  # one turn of the loop: the second task runs up to the queue
    assert slots.busy(big) == 2
    await render(small, "small", hold=False)  # not behind the big tenant's queue
    assert slots.busy(big) == 2 and order == ["big-1", "small"]  # big-2 waits its turn
    release.set()
    await asyncio.gather(first, second)
    assert order == ["big-1", "small", "big-2"]
    assert slots.busy(big) == slots.busy(small) == 0 and not slots._slots


async def test_a_failed_or_cancelled_report_frees_its_slot() -> None:
    slots, tenant = TenantSlots(per_tenant=1), uuid.uuid4()
    try:
        async with slots(tenant):
            raise RuntimeError("render failed")
    except RuntimeError:
        pass
    entered = asyncio.Event()

    async def stuck() -> None:
        async with slots(tenant):
            entered.set()
            await asyncio.Event().wait()
    task = asyncio.create_task(stuck())
    await entered.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    async with asyncio.timeout(1):  # the slot is free again: no wait
        async with slots(tenant):
            assert slots.busy(tenant) == 1
    assert not slots._slots

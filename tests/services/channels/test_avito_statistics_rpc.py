"""AvitoStatisticsService over real gRPC on the channels runtime, against the Avito emulator:
every kind typed in kopecks, a failing kind reported beside the others (never zeros), the
analytics caller alone, bad ranges refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from clients.rpc.avito_statistics import AvitoStatisticsClient
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import avito_statistics_pb2 as pb
from services.kernel.config import KernelSettings
from services.kernel.errors import InvalidArgument, NotFound, PermissionDenied
from services.kernel.runtime import ServiceRuntime
from services.kernel.wire import Caller
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.services.channels.conftest import Avito, connect_avito


def caller(settings: KernelSettings, credentials: Credentials, component: str) -> Caller:
    return as_component(settings, credentials, component).caller(component)


@pytest.fixture(scope="module")
async def stats(runtime: ServiceRuntime, settings: KernelSettings,
                credentials: Credentials) -> AsyncIterator[AvitoStatisticsClient]:
    channel = open_channel(runtime.grpc.address)
    yield AvitoStatisticsClient(channel, caller(settings, credentials, "analytics"))
    await channel.close()


def views(item_id: int, day: date) -> int:  # the emulator's documented formula
    return 20 + (item_id + day.toordinal()) % 17


async def avito_today(avito: Avito) -> date:
    now = (await avito.http.post("/_emulator/clock", json={"advance_seconds": 0})).json()["now"]
    return (datetime.fromtimestamp(now, UTC) + timedelta(hours=3)).date()  # Moscow's day


async def test_every_kind_in_one_call(channels: ChannelsClient, stats: AvitoStatisticsClient,
                                      avito: Avito, tenant_a: uuid.UUID) -> None:
    channel, account = await connect_avito(channels, avito, tenant_a)
    await avito._ok("PATCH", f"/_emulator/accounts/{account['user_id']}",
                    json={"balance": {"real": 99.99, "bonus": 0, "cpa": 12_300}})
    item = account["items"][0]["id"]
    today = await avito_today(avito)
    answer = await stats.fetch(tenant_a, channel.id, today - timedelta(days=1), today)
    assert list(answer.problems) == []
    assert [(d.item_id, d.date, d.views) for d in answer.item_stats.days] == [
        (item, day.isoformat(), views(item, day)) for day in (today - timedelta(days=1), today)]
    assert [d.date for d in answer.item_analytics.days] == [
        (today - timedelta(days=1)).isoformat(), today.isoformat()]
    assert answer.item_analytics.days[1].metrics["views"] == views(item, today)
    assert set(answer.spendings.days[0].kopecks) == {"all", "promotion", "presence",
                                                     "commission", "rest"}
    assert (answer.balance.real_kopecks, answer.cpa_balance.kopecks) == (9_999, 12_300)
    assert [c.item_id for c in answer.calls.days] == [item, item]
    assert answer.fetched_at.seconds > 0


async def test_a_failing_kind_is_a_problem_beside_the_others(
        channels: ChannelsClient, stats: AvitoStatisticsClient, avito: Avito,
        tenant_a: uuid.UUID) -> None:
    channel, _ = await connect_avito(channels, avito, tenant_a)
    today = await avito_today(avito)
    await avito.fault("spendings", 503, count=3)  # every attempt of the client's three
    try:
        answer = await stats.fetch(tenant_a, channel.id, today, today, [
            pb.STATISTICS_KIND_SPENDINGS, pb.STATISTICS_KIND_ITEM_STATS,
            pb.STATISTICS_KIND_CPA_BALANCE])
    finally:
        await avito.clear_faults()
    assert [(p.kind, p.retryable) for p in answer.problems] == [
        (pb.STATISTICS_KIND_SPENDINGS, True)]
    assert "Avito is not answering for spendings" in answer.problems[0].reason
    assert not answer.HasField("spendings")  # absent, not zeros
    assert answer.HasField("item_stats") and answer.HasField("cpa_balance")
    # The CPA balance allows one call a minute: asked again, it is a problem with the wait.
    again = await stats.fetch(tenant_a, channel.id, today, today,
                              [pb.STATISTICS_KIND_CPA_BALANCE, pb.STATISTICS_KIND_BALANCE])
    assert [p.kind for p in again.problems] == [pb.STATISTICS_KIND_CPA_BALANCE]
    assert "limit for the CPA balance is used up" in again.problems[0].reason
    assert 50 < again.problems[0].retry_after_s <= 60 and again.HasField("balance")


async def test_only_analytics_may_call_and_ranges_are_checked(
        runtime: ServiceRuntime, settings: KernelSettings, credentials: Credentials,
        channels: ChannelsClient,
        stats: AvitoStatisticsClient, avito: Avito, tenant_a: uuid.UUID,
        tenant_b: uuid.UUID) -> None:
    channel, _ = await connect_avito(channels, avito, tenant_a)
    today = await avito_today(avito)
    for component in ("gateway", "telegram_bot"):
        grpc_channel = open_channel(runtime.grpc.address)
        try:
            other = AvitoStatisticsClient(grpc_channel, caller(settings, credentials, component))
            with pytest.raises(PermissionDenied):
                await other.fetch(tenant_a, channel.id, today, today)
        finally:
            await grpc_channel.close()
    with pytest.raises(InvalidArgument, match="270 days"):
        await stats.fetch(tenant_a, channel.id, today - timedelta(days=271), today)
    with pytest.raises(InvalidArgument, match="after it ends"):
        await stats.fetch(tenant_a, channel.id, today, today - timedelta(days=1))
    with pytest.raises(NotFound):  # another tenant's channel
        await stats.fetch(tenant_b, channel.id, today, today)

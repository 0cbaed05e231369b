"""Avito statistics over the real runtimes, against the Avito emulator. AvitoStatisticsService on
channels: every kind typed in kopecks, a failing kind reported beside the others (never zeros),
the analytics caller alone, bad ranges refused. Then end to end: the emulator -> channels -> the
analytics runtime's cache (its StatisticsSource) -> RenderReport, with figures worked out by hand
from the emulator's formulas; one endpoint failing makes the account partial with the reason,
its other figures intact; another tenant gets nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from clients.rpc.analytics import AnalyticsClient
from clients.rpc.avito_statistics import AvitoStatisticsClient
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as rpb
from clients.rpc.gen.switchboard.channels.v1 import avito_statistics_pb2 as pb
from clients.rpc.platform_jobs import PlatformJobRunnerClient
from services.analytics.avito.models import AvitoRefresh
from services.analytics.avito.wiring import AnalyticsRuntime
from services.analytics.repository import AnalyticsUnit
from services.kernel.config import KernelSettings
from services.kernel.errors import InvalidArgument, NotFound, PermissionDenied
from services.kernel.runtime import ServiceRuntime
from services.kernel.unit import Units
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


# -- end to end: the analytics cache and a report ---------------------------------------

KEYS = ("views", "contacts", "favorites", "spending", "calls", "balance", "cpa_balance")


async def render(reports: AnalyticsClient, tenant: uuid.UUID, channel_id: uuid.UUID,
                 days: list[date], metrics: list[str]) -> rpb.RenderReportResponse:
    spec = rpb.ReportSpec(channel_ids=[str(channel_id)], metrics=metrics,
                          time_zone="Europe/Moscow", period=rpb.ReportPeriod(range=rpb.DateRange(
                              from_date=days[0].isoformat(), to_date=days[1].isoformat())))
    return await reports.render_report(tenant, spec, [rpb.REPORT_FORMAT_HTML,
                                                      rpb.REPORT_FORMAT_JSON])


def expected(item_id: int, days: list[date]) -> dict[str, int]:
    """The emulator's figures.py, by hand: s = item id + day ordinal."""
    total = dict.fromkeys(("views", "contacts", "favorites", "spending", "calls"), 0)
    for day in days:
        s = item_id + day.toordinal()
        views = 20 + s % 17
        total["views"] += views
        total["contacts"] += views // 6
        total["favorites"] += s % 4
        total["spending"] += 500 + 100 * (s % 5) + (1500 if s % 2 == 0 else 0)
        total["calls"] += s % 3
    return total


async def avito_days(avito: Avito) -> list[date]:
    today = await avito_today(avito)
    return [today - timedelta(days=1), today]


async def test_a_report_reads_the_fetched_figures(
        analytics: AnalyticsRuntime, reports: AnalyticsClient, channels: ChannelsClient,
        avito: Avito,
        tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    channel, account = await connect_avito(channels, avito, tenant_a)
    await avito._ok("PATCH", f"/_emulator/accounts/{account['user_id']}",
                    json={"balance": {"real": 1520.5, "bonus": 300, "cpa": -5000}})
    days, source = await avito_days(avito), analytics.avito.source  # type: ignore[union-attr]
    channel_id = uuid.UUID(channel.id)
    got = await source.figures(tenant_a, [channel_id], days[0], days[1], KEYS)
    assert got[channel_id].problems == []
    assert got[channel_id].values == {**expected(account["items"][0]["id"], days),
                                      "balance": 152_050, "cpa_balance": -5000}
    # Read again: from the cache (nothing asked of Avito: the CPA balance's minute is not over).
    again = await source.figures(tenant_a, [channel_id], days[0], days[1], ["cpa_balance"])
    assert again[channel_id].values == {"cpa_balance": -5000} and not again[channel_id].problems
    # RenderReport shows them.
    report = await render(reports, tenant_a, channel_id, days, ["views", "spending",
                                                                "cpa_balance"])
    figures = expected(account["items"][0]["id"], days)
    assert not report.partial and list(report.problems) == []
    [section] = json.loads(report.json)["sections"]
    assert {k: section["values"][k] for k in ("views", "spending", "cpa_balance")} == {
        "views": figures["views"], "spending": figures["spending"], "cpa_balance": -5000}
    assert f"Просмотры: {figures['views']}" in report.html
    # Another tenant naming the channel gets no figures, only the reason.
    foreign = await source.figures(tenant_b, [channel_id], days[0], days[1], ["views"])
    assert foreign[channel_id].values == {"views": None}
    assert "not found" in " ".join(foreign[channel_id].problems)


async def test_one_endpoint_failing_is_partial_with_the_reason(
        analytics: AnalyticsRuntime, reports: AnalyticsClient, channels: ChannelsClient,
        avito: Avito, settings: KernelSettings, credentials: Credentials,
        tenant_a: uuid.UUID) -> None:
    channel, account = await connect_avito(channels, avito, tenant_a)
    days, source = await avito_days(avito), analytics.avito.source  # type: ignore[union-attr]
    channel_id = uuid.UUID(channel.id)
    await avito.fault("item_stats", 503, count=3)  # each of the client's attempts
    try:
        got = (await source.figures(tenant_a, [channel_id], days[0], days[1], KEYS))[channel_id]
    finally:
        await avito.clear_faults()
    figures = expected(account["items"][0]["id"], days)
    assert got.values == {"views": None, "contacts": None, "favorites": None,
                          "spending": figures["spending"], "calls": figures["calls"],
                          "balance": 0, "cpa_balance": 0}
    assert len(got.problems) == 3 and all(
        "Avito is not answering for listing statistics" in p for p in got.problems)
    assert got.problems[0].startswith("просмотры: нет данных за ")
    report = await render(reports, tenant_a, channel_id, days, ["views", "calls"])
    assert report.partial and "Просмотры: нет данных" in report.html
    assert any("Avito is not answering for listing statistics" in p for p in report.problems)
    [section] = json.loads(report.json)["sections"]
    assert section["values"]["views"] is None and section["values"]["calls"] == figures["calls"]
    # The refresh is due again within a minute; made due now, the next round of the platform
    # job (asked as scheduling asks it) claims it and fills what was missing.
    units = Units(analytics.db, AnalyticsUnit)
    async with units(tenant_a) as unit:
        [state] = await unit.avito.states([channel_id])
        assert state.failures == 1 and state.refreshed_at is not None
        assert state.next_due_at <= datetime.now(UTC) + timedelta(minutes=1)
        await unit.session.execute(update(AvitoRefresh).where(
            AvitoRefresh.channel_id == channel_id).values(next_due_at=datetime.now(UTC)))

    runner = PlatformJobRunnerClient(open_channel(analytics.grpc.address),
                                     caller(settings, credentials, "scheduling"))
    try:
        done = await runner.run("analytics.avito_statistics", "test-run", 30.0)
    finally:
        await runner.channel.close()
    assert (done.processed, done.failed, done.remaining) == (1, 0, 0), done
    async with units(tenant_a) as unit:
        [now] = await unit.avito.states([channel_id])
    assert now.refreshed_at is not None and now.refreshed_at > state.refreshed_at
    healed = (await source.figures(tenant_a, [channel_id], days[0], days[1], ["views"]))
    assert healed[channel_id].values == {"views": figures["views"]}
    assert healed[channel_id].problems == []

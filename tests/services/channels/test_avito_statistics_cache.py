"""Avito statistics end to end on the real runtimes: the emulator -> channels
(AvitoStatisticsService) -> the analytics runtime's cache (its StatisticsSource, what reports
read) — figures worked out by hand from the emulator's formulas; one endpoint failing makes the
account partial with the reason, its other figures intact; another tenant gets nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from clients.rpc.analytics import AnalyticsClient
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as rpb
from services.analytics.avito.wiring import AnalyticsRuntime
from services.analytics.runtime import build_runtime
from services.kernel.config import KernelSettings
from services.kernel.runtime import ServiceRuntime
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.services.channels.conftest import Avito, connect_avito

KEYS = ("views", "contacts", "favorites", "spending", "calls", "balance", "cpa_balance")


@pytest.fixture(scope="module")
async def analytics(runtime: ServiceRuntime, settings: KernelSettings, credentials: Credentials,
                    stack_db_url: str, stack_nats_url: str) -> AsyncIterator[AnalyticsRuntime]:
    built = await build_runtime(as_component(
        settings, credentials, "analytics", database_url=stack_db_url, nats_url=stack_nats_url,
        channels_target=runtime.grpc.address, analytics_target="127.0.0.1:0"))
    assert isinstance(built, AnalyticsRuntime) and built.avito is not None
    await built.start()
    yield built
    await built.stop(1)


@pytest.fixture(scope="module")
async def reports(analytics: AnalyticsRuntime,
                  settings: KernelSettings) -> AsyncIterator[AnalyticsClient]:
    client = AnalyticsClient(open_channel(analytics.grpc.address), settings.caller("gateway"))
    yield client
    await client.channel.close()


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
    now = (await avito.http.post("/_emulator/clock", json={"advance_seconds": 0})).json()["now"]
    today = (datetime.fromtimestamp(now, UTC) + timedelta(hours=3)).date()  # Moscow's day
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
        avito: Avito,
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
    # The refresh is due again within a minute, then fills what was missing.
    async with analytics.avito.refresher._units(tenant_a) as unit:  # type: ignore[union-attr]
        state = (await unit.avito.states([channel_id]))[0]
    assert state.failures == 1 and state.next_due_at <= datetime.now(UTC) + timedelta(minutes=1)
    await analytics.avito.refresher.refresh(  # type: ignore[union-attr]
        tenant_a, channel_id, state.filled_from)
    healed = (await source.figures(tenant_a, [channel_id], days[0], days[1], ["views"]))
    assert healed[channel_id].values == {"views": figures["views"]}
    assert healed[channel_id].problems == []

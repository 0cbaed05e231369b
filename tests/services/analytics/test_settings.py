"""ListMetrics and the tenant's analytics settings over the real runtime."""

from __future__ import annotations

import uuid

import pytest

from clients.rpc.analytics import AnalyticsClient
from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from services.kernel.errors import InvalidArgument


async def test_the_catalogue_names_every_report_key(client: AnalyticsClient,
                                                     tenant: uuid.UUID) -> None:
    metrics = {m.key: m for m in (await client.list_metrics(tenant)).metrics}
    assert {"conversations_started", "first_response_time", "unanswered", "views",
            "cpa_balance"} <= set(metrics)
    assert metrics["first_response_time"].unit == "seconds"
    assert metrics["views"].source == "avito" and not metrics["views"].default


async def test_settings_default_then_stored_per_tenant(client: AnalyticsClient) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    default = await client.get_settings(a)
    assert [(d.weekday, d.open, d.close) for d in default.business_hours] == [
        (day, "09:00", "18:00") for day in range(1, 6)]
    stored = await client.update_settings(a, pb.AnalyticsSettings(
        time_zone="Europe/Moscow",
        business_hours=[pb.DayHours(weekday=6, open="10:00", close="24:00")]))
    assert stored.time_zone == "Europe/Moscow"
    again = await client.get_settings(a)
    assert [(d.weekday, d.open, d.close) for d in again.business_hours] == [(6, "10:00", "24:00")]
    assert (await client.get_settings(b)).time_zone == ""  # the other tenant keeps the defaults


@pytest.mark.parametrize(("zone", "day", "words"), [
    ("Mars/Olympus", pb.DayHours(weekday=1, open="09:00", close="18:00"), "unknown time zone"),
    ("UTC", pb.DayHours(weekday=8, open="09:00", close="18:00"), "weekday 8"),
    ("UTC", pb.DayHours(weekday=1, open="18:00", close="09:00"), "closes"),
    ("UTC", pb.DayHours(weekday=1, open="9am", close="18:00"), "HH:MM"),
])
async def test_bad_settings_are_refused_with_what_to_fix(
        client: AnalyticsClient, tenant: uuid.UUID, zone: str, day: pb.DayHours,
        words: str) -> None:
    with pytest.raises(InvalidArgument, match=words):
        await client.update_settings(tenant, pb.AnalyticsSettings(time_zone=zone,
                                                                  business_hours=[day]))
    assert (await client.get_settings(tenant)).time_zone == ""

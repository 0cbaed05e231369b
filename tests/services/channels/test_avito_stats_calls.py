"""The statistics calls of the Avito client over real HTTP against the emulator: typed results
(kopecks), chunks of 200 items, documented 1/min limits kept per account and endpoint, 429s.

Expected figures are worked out with the emulator's documented formulas
(switchboard/emulators/avito/figures.py), written out again here as the oracle.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.channels.avito.client import AvitoClient, RetryPolicy
from services.channels.avito.errors import AvitoUnavailable
from services.channels.avito.ratelimit import EndpointLimits, TokenBucket
from services.channels.avito.stats_calls import (
    AnalyticsDay,
    CallsDay,
    ItemDay,
    SpendingDay,
    WalletBalance,
    check_range,
)
from tests.services.channels.conftest import Avito
from tests.services.channels.test_avito_client import metric

FAST = RetryPolicy(max_attempts=3, backoff_base_s=0.01, backoff_max_s=0.05, retry_after_max_s=5)


def uniq_views(item_id: int, day: date) -> int:
    return 20 + (item_id + day.toordinal()) % 17


def favorites(item_id: int, day: date) -> int:
    return (item_id + day.toordinal()) % 4


def spent(item_id: int, day: date) -> tuple[int, int]:
    """(presence, promotion) kopecks."""
    s = item_id + day.toordinal()
    return 500 + 100 * (s % 5), 1500 if s % 2 == 0 else 0


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


def client_of(http: httpx.AsyncClient, avito: Avito, account: dict[str, Any],
              policy: RetryPolicy = FAST) -> AvitoClient:
    return AvitoClient(http, base_url=avito.url, client_id=account["client_id"],
                       client_secret=account["client_secret"], policy=policy,
                       bucket=TokenBucket(100, 100))


async def emulator_today(avito: Avito) -> date:
    now = (await avito.http.post("/_emulator/clock", json={"advance_seconds": 0})).json()["now"]
    return (datetime.fromtimestamp(now, UTC) + timedelta(hours=3)).date()  # Moscow's day


async def test_every_statistics_call_typed(avito: Avito, http: httpx.AsyncClient) -> None:
    account = await avito.account(items=[{"title": f"Лот {n}", "price": n} for n in range(2)],
                                  balance={"real": 1520.5, "bonus": 300, "cpa": -5000})
    client, user_id = client_of(http, avito, account), account["user_id"]
    ids = [item["id"] for item in account["items"]]
    today = await emulator_today(avito)
    yesterday = today - timedelta(days=1)

    stats = await client.item_stats(user_id, ids, yesterday, today)
    assert stats == [ItemDay(i, d, uniq_views(i, d), uniq_views(i, d) // 6, favorites(i, d))
                     for i in ids for d in (yesterday, today)]
    analytics = await client.item_analytics(user_id, yesterday, today)
    assert [a.day for a in analytics] == [yesterday, today]
    for day_stats in analytics:
        assert isinstance(day_stats, AnalyticsDay)
        views = sum(uniq_views(i, day_stats.day) for i in ids)
        presence = sum(spent(i, day_stats.day)[0] for i in ids)
        assert (day_stats.metrics["views"], day_stats.metrics["presenceSpending"]) \
            == (views, presence)
    spendings = await client.spendings(user_id, yesterday, today)
    assert spendings[1] == SpendingDay(today, {
        "all": sum(sum(spent(i, today)) for i in ids),
        "promotion": sum(spent(i, today)[1] for i in ids),
        "presence": sum(spent(i, today)[0] for i in ids), "commission": 0, "rest": 0})
    calls = await client.calls_stats(user_id, today, today)
    assert [(c.item_id, c.day) for c in calls] == [(i, today) for i in ids]
    assert all(isinstance(c, CallsDay) and c.calls == (c.item_id + today.toordinal()) % 3
               for c in calls)
    assert await client.wallet_balance(user_id) == WalletBalance(152_050, 30_000)
    assert await client.cpa_balance() == -5000


async def test_items_go_in_chunks_of_200(avito: Avito, http: httpx.AsyncClient) -> None:
    account = await avito.account(items=[{"title": f"Лот {n}", "price": n} for n in range(250)])
    client, today = client_of(http, avito, account), await emulator_today(avito)
    ids = [item["id"] for item in account["items"]]
    before = metric("switchboard_avito_requests_total", endpoint="item_stats", status="200")
    stats = await client.item_stats(account["user_id"], ids, today, today)
    assert [s.item_id for s in stats] == ids
    assert metric("switchboard_avito_requests_total", endpoint="item_stats",
                  status="200") == before + 2


async def test_a_one_a_minute_endpoint_is_not_asked_twice(avito: Avito,
                                                         http: httpx.AsyncClient) -> None:
    account = await avito.account(items=[{"title": "Шкаф", "price": 1}])
    client, today = client_of(http, avito, account), await emulator_today(avito)
    await client.spendings(account["user_id"], today, today)
    asked = metric("switchboard_avito_requests_total", endpoint="spendings", status="200")
    started = time.monotonic()
    with pytest.raises(AvitoUnavailable) as caught:
        await client.spendings(account["user_id"], today, today)
    assert time.monotonic() - started < 1  # reported at once: the wait is longer than 5 s
    assert caught.value.status == 429 and 55 < (caught.value.retry_after_s or 0) <= 60
    assert metric("switchboard_avito_requests_total", endpoint="spendings",
                  status="200") == asked  # Avito was not asked
    # Another replica's client (with the token the first stored) does ask: Avito's own 429
    # and its Retry-After come back.
    other = AvitoClient(http, base_url=avito.url, client_id=account["client_id"],
                        client_secret=account["client_secret"], policy=FAST,
                        bucket=TokenBucket(100, 100), token=client.cached_token)
    with pytest.raises(AvitoUnavailable) as refused:
        await other.spendings(account["user_id"], today, today)
    assert refused.value.status == 429 and 1 <= (refused.value.retry_after_s or 0) <= 60


async def test_a_second_call_waits_for_the_minute_when_allowed_to() -> None:
    now, slept = [0.0], []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limits = EndpointLimits(5.0, clock=lambda: now[0], sleep=sleep)
    limits.preset({"item_analytics": 1})
    await limits.acquire("item_analytics", max_wait_s=120)
    await limits.acquire("item_analytics", max_wait_s=120)
    assert slept == [pytest.approx(60)]
    await limits.acquire("calls_stats", max_wait_s=0)  # undocumented: the account's bucket only
    assert len(slept) == 1


async def test_429_retry_after_is_honoured(avito: Avito, http: httpx.AsyncClient) -> None:
    account = await avito.account(items=[{"title": "Шкаф", "price": 1}])
    client, today = client_of(http, avito, account), await emulator_today(avito)
    await client.token()
    await avito.fault("item_stats", 429, count=1)
    started = time.monotonic()
    stats = await client.item_stats(account["user_id"], [account["items"][0]["id"]], today, today)
    assert len(stats) == 1 and time.monotonic() - started >= 0.95  # Retry-After: 1


def test_ranges_are_checked_before_asking() -> None:
    today = date(2026, 6, 15)
    check_range(date(2025, 9, 18), today, today)
    with pytest.raises(ValueError, match="270 days"):
        check_range(date(2025, 9, 17), today, today)
    with pytest.raises(ValueError, match="after it ends"):
        check_range(today, today - timedelta(days=1), today)

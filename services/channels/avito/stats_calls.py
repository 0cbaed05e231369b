"""Statistics and balances of an account (research §2.2, §2.4, §5.3-§5.6), as typed results:
counts as ints, money as integer kopecks.

A mixin of AvitoClient: every call goes through the client's `_call` (token, the account's
bucket, the endpoint's own limit, retries, typed errors). `STATS_LIMITS` are the limits Avito
documents (requests per minute); the client presets them, so one replica never asks a 1/min
endpoint twice within a minute: a second call waits (up to the client's `retry_after_max_s`)
or fails as AvitoUnavailable with the wait in `retry_after_s`.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from services.channels.avito.errors import AvitoUnavailable

STATS_LIMITS = {"item_analytics": 1, "spendings": 1, "cpa_balance": 1, "list_items": 25}
MAX_ITEMS_PER_CALL = 200  # stats v1
ITEMS_PAGE = 100  # the items list's largest page
MAX_ITEM_PAGES = 100  # 10,000 listings: beyond that an account is not a shop's
ITEM_STATUSES = ("active", "removed", "old", "blocked", "rejected")
DEPTH_DAYS = 270  # how far back Avito keeps statistics
ANALYTICS_PAGE = 1000  # stats v2's largest page
ANALYTICS_METRICS = ("views", "contacts", "favorites", "impressions", "allSpending",
                     "presenceSpending", "promoSpending")
SPENDING_TYPES = ("all", "promotion", "presence", "commission", "rest")
CPA_SOURCE = "switchboard"  # X-Source, which the CPA API requires
_MOSCOW_OFFSET_S = 3 * 3600


@dataclass(frozen=True)
class ItemDay:
    """Stats v1 of one item on one day (unique users)."""

    item_id: int
    day: date
    views: int
    contacts: int
    favorites: int


@dataclass(frozen=True)
class AnalyticsDay:
    """Stats v2 of the whole account on one day: metric slug -> value (spendings in kopecks)."""

    day: date
    metrics: dict[str, int]


@dataclass(frozen=True)
class SpendingDay:
    day: date
    kopecks: dict[str, int]  # spending type (all, promotion, presence, commission, rest)


@dataclass(frozen=True)
class CallsDay:
    item_id: int  # 0: not attributed to an item
    day: date
    calls: int
    answered: int
    new: int
    new_answered: int


@dataclass(frozen=True)
class WalletBalance:
    real_kopecks: int
    bonus_kopecks: int


def check_range(first: date, last: date, today: date) -> None:
    """Avito's own bounds, checked before anything is asked."""
    if first > last:
        raise ValueError(f"the range starts ({first}) after it ends ({last})")
    if first < today - timedelta(days=DEPTH_DAYS):
        raise ValueError(f"Avito keeps statistics {DEPTH_DAYS} days: {first} is too far back")


class StatsCalls(abc.ABC):
    @abc.abstractmethod
    async def _call(self, endpoint: str, method: str, path: str, **kwargs: Any) -> Any:
        """AvitoClient's authorized call: token, pacing, retries, typed errors."""

    async def list_item_ids(self) -> list[int]:
        """Every listing of the account, whatever its status (statistics outlive a listing's
        removal); paged until a short page, as the list has no total."""
        ids: list[int] = []
        for page in range(1, MAX_ITEM_PAGES + 1):
            data = await self._call("list_items", "GET", "/core/v1/items", params={
                "per_page": ITEMS_PAGE, "page": page, "status": ",".join(ITEM_STATUSES)})
            resources = _list(_dict(data).get("resources"))
            ids += [_int(r.get("id")) for r in resources]
            if len(resources) < ITEMS_PAGE:
                break
        return list(dict.fromkeys(ids))

    async def item_stats(self, user_id: int | str, item_ids: list[int], first: date,
                         last: date) -> list[ItemDay]:
        """Stats v1 per item per day, asked in chunks of 200 items."""
        days: list[ItemDay] = []
        ids = list(dict.fromkeys(item_ids))
        for start in range(0, len(ids), MAX_ITEMS_PER_CALL):
            body = {"dateFrom": first.isoformat(), "dateTo": last.isoformat(),
                    "itemIds": ids[start:start + MAX_ITEMS_PER_CALL], "periodGrouping": "day",
                    "fields": ["uniqViews", "uniqContacts", "uniqFavorites"]}
            data = await self._call("item_stats", "POST",
                                    f"/stats/v1/accounts/{_seg(user_id)}/items", json=body)
            for item in _list(_dict(_dict(data).get("result")).get("items")):
                item_id = _int(item.get("itemId"))
                days += [ItemDay(item_id, _day(row.get("date")), _int(row.get("uniqViews")),
                                 _int(row.get("uniqContacts")), _int(row.get("uniqFavorites")))
                         for row in _list(item.get("stats"))]
        return days

    async def item_analytics(self, user_id: int | str, first: date,
                             last: date) -> list[AnalyticsDay]:
        """Stats v2 grouped by day: one page covers the 271 days Avito keeps."""
        body = {"dateFrom": first.isoformat(), "dateTo": last.isoformat(),
                "metrics": list(ANALYTICS_METRICS), "grouping": "day",
                "limit": ANALYTICS_PAGE, "offset": 0}
        data = await self._call("item_analytics", "POST",
                                f"/stats/v2/accounts/{_seg(user_id)}/items", json=body)
        result = []
        for group in _list(_dict(_dict(data).get("result")).get("groupings")):
            metrics = {str(m.get("slug")): _int(m.get("value"))
                       for m in _list(group.get("metrics"))}
            result.append(AnalyticsDay(_unix_day(group.get("id")), metrics))
        return result

    async def spendings(self, user_id: int | str, first: date, last: date) -> list[SpendingDay]:
        """Spendings v2 by day and type, kopecks (what the document's prose says; its schema
        says rubles, and community clients read kopecks)."""
        body = {"dateFrom": first.isoformat(), "dateTo": last.isoformat(), "grouping": "day",
                "spendingTypes": list(SPENDING_TYPES)}
        data = await self._call("spendings", "POST",
                                f"/stats/v2/accounts/{_seg(user_id)}/spendings", json=body)
        return [SpendingDay(_day(group.get("date")),
                            {str(s.get("slug")): _int(s.get("value"))
                             for s in _list(group.get("spendings"))})
                for group in _list(_dict(_dict(data).get("result")).get("groupings"))]

    async def calls_stats(self, user_id: int | str, first: date, last: date) -> list[CallsDay]:
        body = {"dateFrom": first.isoformat(), "dateTo": last.isoformat()}
        data = await self._call("calls_stats", "POST",
                                f"/core/v1/accounts/{_seg(user_id)}/calls/stats/", json=body)
        return [CallsDay(_int(item.get("itemId")), _day(row.get("date")), _int(row.get("calls")),
                         _int(row.get("answered")), _int(row.get("new")),
                         _int(row.get("newAnswered")))
                for item in _list(_dict(_dict(data).get("result")).get("items"))
                for row in _list(item.get("days"))]

    async def wallet_balance(self, user_id: int | str) -> WalletBalance:
        """The wallet, which Avito tells in rubles (floats)."""
        data = _dict(await self._call("balance", "GET",
                                      f"/core/v1/accounts/{_seg(user_id)}/balance/"))
        return WalletBalance(_kopecks(data.get("real")), _kopecks(data.get("bonus")))

    async def cpa_balance(self) -> int:
        """Kopecks, may be negative; the CPA API wants `{}` and an X-Source header."""
        data = _dict(await self._call("cpa_balance", "POST", "/cpa/v3/balanceInfo", json={},
                                      headers={"X-Source": CPA_SOURCE}))
        error = data.get("error")
        if isinstance(error, dict) and error.get("code"):  # CPA errors may come with a 200
            raise AvitoUnavailable(f"Avito's CPA API answered error {error.get('code')}: "
                                   f"{error.get('message') or 'no message'}")
        return _int(data.get("balance"))


def _seg(value: int | str) -> str:
    return quote(str(value), safe="")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int:
    """A count or an amount in kopecks; Avito types some as floats."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _malformed(f"a number was expected, not {value!r}")
    try:
        return int(Decimal(str(value)).to_integral_value())
    except (InvalidOperation, ValueError):
        raise _malformed(f"a number was expected, not {value!r}") from None


def _kopecks(rubles: Any) -> int:
    if isinstance(rubles, bool) or not isinstance(rubles, int | float | str):
        raise _malformed(f"an amount in rubles was expected, not {rubles!r}")
    try:
        return int((Decimal(str(rubles)) * 100).to_integral_value())
    except (InvalidOperation, ValueError):
        raise _malformed(f"an amount in rubles was expected, not {rubles!r}") from None


def _day(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _malformed(f"a date was expected, not {value!r}") from None


def _unix_day(value: Any) -> date:
    """Stats v2 names a day grouping by its first second (unix). Avito's days are Moscow's
    (UTC+3, no DST): read at Moscow time, a midnight of either UTC or Moscow names its day."""
    return datetime.fromtimestamp(_int(value) + _MOSCOW_OFFSET_S, UTC).date()


def _malformed(detail: str) -> AvitoUnavailable:
    return AvitoUnavailable(f"Avito's statistics answer is malformed: {detail}")

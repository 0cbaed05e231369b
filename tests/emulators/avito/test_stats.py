"""Statistics, spendings, calls and balances against item.json / user.json / cpa.json: shapes,
figures worked out by hand from figures.py's table, validation, scopes and the 1/min limits.

The emulator's clock stands at Monday 2026-06-15 12:00 UTC; items 1000 and 1001, so with
s = id + ordinal: 06-14 -> s 740781 (item 1000) and 740782 (1001); 06-15 -> 740782, 740783.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulators.avito.helpers import Avito, Seller, Start, bearer
from tests.emulators.avito.test_auth import exchange, register_app

NOW = 1_781_524_800.0  # 2026-06-15 12:00 UTC
ITEMS = [{"id": 1000, "title": "Шкаф", "price": 5000}, {"id": 1001, "title": "Стол", "price": 900}]
SPAN = {"dateFrom": "2026-06-14", "dateTo": "2026-06-16"}  # 06-16 is tomorrow: no figures yet
VALIDATION = {"code": 400, "message": "Validation error"}


@pytest.fixture
async def avito(start: Start) -> Avito:
    return await start(seed=7, time_source=lambda: NOW)


async def post(avito: Avito, seller: Seller, path: str, body: Any,
               **headers: str) -> httpx.Response:
    return await avito.http.post(path, json=body, headers={**seller.headers, **headers})


def v2(seller: Seller, what: str) -> str:
    return f"/stats/v2/accounts/{seller.user_id}/{what}"


async def test_item_stats_v1_by_day_and_week(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    path = f"/stats/v1/accounts/{seller.user_id}/items"
    response = await post(avito, seller, path, {**SPAN, "itemIds": [1001, 999, 1000]})
    assert response.status_code == 200, response.text
    assert response.json() == {"errors": {}, "result": {"items": [
        {"itemId": 1001, "stats": [
            {"date": "2026-06-14", "uniqViews": 27, "uniqContacts": 4, "uniqFavorites": 2},
            {"date": "2026-06-15", "uniqViews": 28, "uniqContacts": 4, "uniqFavorites": 3}]},
        {"itemId": 1000, "stats": [
            {"date": "2026-06-14", "uniqViews": 26, "uniqContacts": 4, "uniqFavorites": 1},
            {"date": "2026-06-15", "uniqViews": 27, "uniqContacts": 4, "uniqFavorites": 2}]}]}}
    weekly = await post(avito, seller, path, {**SPAN, "itemIds": [1000], "fields": ["views"],
                                              "periodGrouping": "week"})
    # 06-14 is a Sunday: its week began on 06-08.
    assert weekly.json()["result"]["items"][0]["stats"] == [
        {"date": "2026-06-08", "views": 27}, {"date": "2026-06-15", "views": 29}]


async def test_item_stats_v1_validation(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    path = f"/stats/v1/accounts/{seller.user_id}/items"
    cases = [({**SPAN, "itemIds": list(range(1, 202))}, "itemIds"),
             ({**SPAN, "itemIds": []}, "itemIds"),
             ({"dateFrom": "2025-09-17", "dateTo": "2026-06-15", "itemIds": [1000]}, "dateFrom"),
             ({"dateFrom": "14.06.2026", "dateTo": "2026-06-15", "itemIds": [1000]}, "dateFrom"),
             ({"dateFrom": "2026-06-15", "dateTo": "2026-06-14", "itemIds": [1000]}, "body"),
             ({**SPAN, "itemIds": [1000], "fields": ["clicks"]}, "fields.0"),
             ({**SPAN, "itemIds": [1000], "periodGrouping": "year"}, "periodGrouping"),
             ({"dateTo": "2026-06-15", "itemIds": [1000]}, "dateFrom")]
    for body, field in cases:
        response = await post(avito, seller, path, body)
        assert response.status_code == 400, (body, response.text)
        error = response.json()["error"]
        assert {k: error[k] for k in ("code", "message")} == VALIDATION
        assert field in error["fields"], (field, error)
    # 270 days back is the limit, inclusive.
    deepest = {"dateFrom": "2025-09-18", "dateTo": "2025-09-18", "itemIds": [1000]}
    assert (await post(avito, seller, path, deepest)).status_code == 200


async def test_item_analytics_v2_groupings_and_its_one_call_a_minute(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    body = {**SPAN, "metrics": ["views", "contacts", "favorites", "presenceSpending", "nope"],
            "grouping": "totals", "limit": 1000, "offset": 0}
    response = await post(avito, seller, v2(seller, "items"), body)
    assert response.status_code == 200, response.text
    assert response.headers["x-ratelimit-limit"] == "1"
    result = response.json()["result"]
    assert result["timestamp"] == "2026-06-15 12:00:00" and result["dataTotalCount"] == 1
    assert result["groupings"] == [{"id": 0, "type": "totals", "metrics": [
        {"slug": "views", "value": 108}, {"slug": "contacts", "value": 16},
        {"slug": "favorites", "value": 8}, {"slug": "presenceSpending", "value": 2800}]}]
    again = await post(avito, seller, v2(seller, "items"), body)
    assert again.status_code == 429
    assert again.json() == {"error": {"code": 429, "message": "Too many requests"}}
    assert again.headers["x-ratelimit-remaining"] == "0"
    assert 1 <= int(again.headers["retry-after"]) <= 60
    await avito.advance(60)
    by_item = await post(avito, seller, v2(seller, "items"), {
        **body, "metrics": ["views"], "grouping": "item", "limit": 1,
        "sort": {"key": "views", "order": "desc"}})
    assert by_item.json()["result"]["dataTotalCount"] == 2
    assert by_item.json()["result"]["groupings"] == [
        {"id": 1001, "type": "item", "metrics": [{"slug": "views", "value": 55}]}]
    await avito.advance(60)
    by_day = await post(avito, seller, v2(seller, "items"), {
        **body, "metrics": ["views"], "grouping": "day", "limit": None, "offset": None})
    assert [(g["id"], g["metrics"][0]["value"]) for g in by_day.json()["result"]["groupings"]] \
        == [(1_781_395_200, 53), (1_781_481_600, 55)]


async def test_item_analytics_v2_validation(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    base = {**SPAN, "metrics": ["views"], "grouping": "day", "limit": 10, "offset": 0}
    for change, field in (({"metrics": []}, "metrics"), ({"grouping": "year"}, "grouping"),
                          ({"limit": 1001}, "limit"), ({"offset": -1}, "offset")):
        response = await post(avito, seller, v2(seller, "items"), {**base, **change})
        assert response.status_code == 400 and field in response.json()["error"]["fields"]
        await avito.advance(60)  # a refused call counts against the minute too
    missing = {k: v for k, v in base.items() if k != "limit"}
    response = await post(avito, seller, v2(seller, "items"), missing)
    assert "limit" in response.json()["error"]["fields"]


async def test_spendings_in_kopecks_by_type(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    body = {**SPAN, "spendingTypes": ["all", "promotion"], "grouping": "day"}
    response = await post(avito, seller, v2(seller, "spendings"), body)
    assert response.status_code == 200, response.text
    assert response.json() == {"result": {"timestamp": int(NOW), "groupings": [
        {"date": "2026-06-14", "type": "day", "spendings": [
            {"slug": "all", "value": 2800, "services": []},
            {"slug": "promotion", "value": 1500,
             "services": [{"slug": "vas_highlight", "value": 1500}]}]},
        {"date": "2026-06-15", "type": "day", "spendings": [
            {"slug": "all", "value": 3000, "services": []},
            {"slug": "promotion", "value": 1500,
             "services": [{"slug": "vas_highlight", "value": 1500}]}]}]}}
    assert (await post(avito, seller, v2(seller, "spendings"), body)).status_code == 429
    await avito.advance(60)
    one_item = await post(avito, seller, v2(seller, "spendings"), {
        **body, "spendingTypes": ["presence"], "grouping": "month",
        "filter": {"itemIDs": [1000]}})
    assert one_item.json()["result"]["groupings"] == [{"date": "2026-06-01", "type": "month",
        "spendings": [{"slug": "presence", "value": 1300, "services": []}]}]
    await avito.advance(60)
    bad = await post(avito, seller, v2(seller, "spendings"), {**body, "spendingTypes": ["tax"]})
    assert bad.status_code == 400 and "spendingTypes.0" in bad.json()["error"]["fields"]


async def test_calls_stats(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    path = f"/core/v1/accounts/{seller.user_id}/calls/stats/"
    response = await post(avito, seller, path, {**SPAN, "itemIds": [1001]})
    assert response.status_code == 200, response.text
    assert response.json() == {"result": {"items": [{"itemId": 1001, "employeeId": 0, "days": [
        {"date": "2026-06-14", "calls": 1, "answered": 1, "new": 1, "newAnswered": 1},
        {"date": "2026-06-15", "calls": 2, "answered": 1, "new": 2, "newAnswered": 1}]}]}}
    every = await post(avito, seller, path.rstrip("/"), SPAN)
    assert [i["itemId"] for i in every.json()["result"]["items"]] == [1000, 1001]
    assert (await post(avito, seller, path, {"dateTo": "2026-06-15"})).status_code == 400


async def test_balances_and_the_cpa_balance(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS, balance={"real": 1520.5, "bonus": 300, "cpa": -5000})
    wallet = await avito.http.get(f"/core/v1/accounts/{seller.user_id}/balance/",
                                  headers=seller.headers)
    assert wallet.json() == {"real": 1520.5, "bonus": 300.0}
    cpa = await post(avito, seller, "/cpa/v3/balanceInfo", {}, **{"X-Source": "tests"})
    assert cpa.status_code == 200 and cpa.json() == {"balance": -5000}
    assert cpa.headers["x-ratelimit-limit"] == "1"
    limited = await post(avito, seller, "/cpa/v3/balanceInfo", {}, **{"X-Source": "tests"})
    assert limited.status_code == 429 and limited.json() == {"error": {"code": 429}}
    await avito.advance(60)
    no_source = await post(avito, seller, "/cpa/v3/balanceInfo", {})
    assert no_source.status_code == 400 and "X-Source" in no_source.json()["error"]["fields"]
    await avito.advance(60)
    await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}",
                   json={"balance": {"real": 1, "bonus": 0, "cpa": 250}})
    cpa = await post(avito, seller, "/cpa/v3/balanceInfo", {}, **{"X-Source": "tests"})
    assert cpa.json() == {"balance": 250}


async def test_scopes_of_statistics(avito: Avito) -> None:
    app, seller = await register_app(avito), await avito.seller(items=ITEMS)

    async def token(scope: str) -> dict[str, str]:
        code = (await avito.ok("POST", "/_emulator/oauth/authorize", json={
            "client_id": app["client_id"], "user_id": seller.user_id, "scope": scope}))["code"]
        answer = await exchange(avito, app, "authorization_code", code=code)
        return bearer(answer.json()["access_token"])

    v1 = f"/stats/v1/accounts/{seller.user_id}/items"
    body = {**SPAN, "itemIds": [1000]}
    messenger = await token("messenger:read")
    assert (await avito.http.post(v1, json=body, headers=messenger)).status_code == 403
    stats = await token("stats:read")
    assert (await avito.http.post(v1, json=body, headers=stats)).status_code == 200
    balance = f"/core/v1/accounts/{seller.user_id}/balance/"
    assert (await avito.http.get(balance, headers=stats)).status_code == 403
    assert (await avito.http.get(balance, headers=await token("user_balance:read"))).is_success
    # The CPA API takes client_credentials tokens only.
    cpa = await avito.http.post("/cpa/v3/balanceInfo", json={},
                                headers={**stats, "X-Source": "tests"})
    assert cpa.status_code == 403
    other = await avito.seller()
    foreign = await post(avito, other, v1, body)
    assert foreign.status_code == 403

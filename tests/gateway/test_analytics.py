"""Analytics through the gateway on the session's platform: a buyer's message and a reply
become inbox metrics and a report (JSON, Telegram HTML, PNG by format or Accept), problem+json
for a bad range, zone, metric or format, scopes, another tenant, and the same through GraphQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Аналитика")


@pytest.fixture(scope="module")
async def answered(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    """One conversation: the buyer asked, a manager answered through the API."""
    shop = await platform.connect_sandbox_shop(seller, "Analytics shop")
    await platform.buyer_writes(shop, "Диван ещё продаётся?")

    async def listed() -> str | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return items[0]["id"] if items else None
    conversation = await eventually(listed, within=15)
    sent = await seller.http.post(f"/v1/conversations/{conversation}/messages",
                                  json={"text": "Да, продаётся"})
    assert sent.status_code in (200, 201, 202), sent.text
    return shop


def _window() -> dict[str, str]:
    now = datetime.now(UTC)
    return {"from": (now - timedelta(hours=2)).isoformat(),
            "to": (now + timedelta(hours=2)).isoformat()}


async def test_a_conversation_becomes_metrics_and_a_report(
        seller: Tenant, answered: SandboxShop) -> None:
    async def projected() -> dict[str, Any] | None:
        body = (await seller.http.get("/v1/analytics/inbox", params=_window())).json()
        total = body["total"]
        return body if total["messages_out"] == 1 and total["messages_in"] == 1 else None
    body = await eventually(projected, within=30)
    total = body["total"]
    assert total["conversations_started"] == 1 and total["first_response"]["samples"] == 1
    assert total["unanswered"] == 0 and total["resolution"] is None

    by_channel = (await seller.http.get("/v1/analytics/inbox", params={
        **_window(), "group_by": "channel"})).json()["groups"]
    assert [g["key"] for g in by_channel] == [answered.channel["id"]]

    today = datetime.now(UTC).date().isoformat()
    spec = {"from_date": today, "to_date": today, "time_zone": "UTC",
            "metrics": ["messages_in", "messages_out", "first_response_time"]}
    as_json = await seller.http.post("/v1/analytics/reports", json=spec)
    assert as_json.status_code == 200 and as_json.headers["content-type"] == "application/json"
    assert as_json.json()["sections"][0]["values"]["messages_in"] == 1
    as_html = await seller.http.post("/v1/analytics/reports", json=spec,
                                     headers={"Accept": "text/html"})
    assert as_html.headers["content-type"].startswith("text/html")
    assert "Сообщений от покупателей: 1" in as_html.text
    assert as_html.headers["X-Report-Partial"] == "false"
    as_png = await seller.http.post("/v1/analytics/reports", params={"format": "png"}, json=spec)
    assert as_png.headers["content-type"] == "image/png" and as_png.content[:4] == b"\x89PNG"


@pytest.mark.parametrize(("params", "words"), [
    ({"from": "2026-12-02T00:00:00Z", "to": "2026-12-01T00:00:00Z"}, "empty"),
    ({"from": "2025-01-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"}, "366 days"),
    ({"from": "2026-12-01T00:00:00Z", "to": "2026-12-02T00:00:00Z", "time_zone": "Mars/Base"},
     "unknown time zone"),
    ({"from": "2026-12-01T00:00:00Z", "to": "2026-12-02T00:00:00Z", "group_by": "weekday"},
     "group_by"),
])
async def test_a_bad_range_is_a_problem_saying_what_to_fix(
        seller: Tenant, params: dict[str, str], words: str) -> None:
    resp = await seller.http.get("/v1/analytics/inbox", params=params)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert words in resp.text


async def test_reports_refuse_unknown_metrics_and_formats(seller: Tenant) -> None:
    unknown = await seller.http.post("/v1/analytics/reports", json={"metrics": ["speed"]})
    assert unknown.status_code == 422 and "unknown metric 'speed'" in unknown.json()["detail"]
    text = await seller.http.post("/v1/analytics/reports", json={},
                                  headers={"Accept": "text/plain"})
    assert text.status_code == 406 and "image/png" in text.json()["detail"]
    avito = await seller.http.post("/v1/analytics/reports", json={"metrics": ["views"]},
                                   headers={"Accept": "text/html"})
    assert avito.status_code == 200, avito.text
    assert "Просмотры: 0" not in avito.text


async def test_catalogue_settings_scopes_and_tenants(platform: RunningPlatform,
                                                     seller: Tenant) -> None:
    keys = {m["key"] for m in (await seller.http.get("/v1/analytics/metrics")).json()}
    assert {"first_response_time", "unanswered", "views"} <= keys
    put = await seller.http.put("/v1/analytics/settings", json={
        "time_zone": "Europe/Moscow",
        "business_hours": [{"weekday": 1, "open": "10:00", "close": "19:00"}]})
    assert put.status_code == 200 and put.json()["time_zone"] == "Europe/Moscow"
    bad = await seller.http.put("/v1/analytics/settings", json={
        "business_hours": [{"weekday": 1, "open": "19:00", "close": "10:00"}]})
    assert bad.status_code == 422 and "closes" in bad.json()["detail"]
    created = await seller.http.post("/v1/api-keys", json={"name": "r", "scopes": ["read"]})
    reader = {"Authorization": f"Bearer {created.json()['key']}"}
    assert (await seller.http.get("/v1/analytics/settings", headers=reader)).status_code == 200
    assert (await seller.http.put("/v1/analytics/settings", json={},
                                  headers=reader)).status_code == 403
    other = await platform.new_tenant("Чужой")
    theirs = (await other.http.get("/v1/analytics/inbox", params=_window())).json()["total"]
    assert theirs["messages_in"] == 0
    assert (await other.http.get("/v1/analytics/settings")).json()["time_zone"] == ""


async def test_graphql_inbox_metrics_and_report(seller: Tenant, answered: SandboxShop) -> None:
    window = _window()
    resp = await seller.http.post("/graphql", json={"query": """
        query($from: DateTime!, $to: DateTime!) {
          inboxMetrics(from: $from, to: $to, groupBy: "listing") {
            total { messagesIn firstResponse { samples } } groups { key } }
          report(spec: {metrics: ["messages_in"], relative: "today_so_far"}, format: "html") {
            format content partial periodFrom } }""",
        "variables": {"from": window["from"], "to": window["to"]}})
    assert resp.status_code == 200, resp.text
    data = resp.json()["data"]
    assert data is not None, resp.text
    assert data["inboxMetrics"]["total"]["messagesIn"] >= 0
    assert data["report"]["format"] == "html" and "<b>Отчёт за" in data["report"]["content"]
    bad = (await seller.http.post("/graphql", json={"query": """{ report(spec: {relative:
        "fortnight"}) { content } }"""})).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

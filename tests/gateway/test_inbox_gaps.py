"""The inbox API's gaps of issue #14 through REST (and GraphQL / the SDK where they have them)
on the running platform: list filters by assignee (an id, `me`, `none`) and labels, search,
pinned first, snooze that wakes by the platform job (fired, not waited for) and by the buyer,
and canned replies (admins manage, everyone renders) with another tenant kept out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from switchboard_sdk import ConversationFilter, ConversationStatus, Switchboard

from clients.rpc.base import open_channel
from clients.rpc.platform_jobs import PlatformJobsClient
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.fixtures.sessions import browser_login
from tests.gateway.live import sse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Inbox gaps")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller, "Inbox gaps shop")


@pytest.fixture(scope="module")
async def chats(platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> dict[str, str]:
    """chat id -> conversation id of three buyers' chats."""
    texts = {"gap-1": "Возможна доставка в Казань?", "gap-2": "Какой размер?",
             "gap-3": "Торг уместен?"}
    for chat, line in texts.items():
        await platform.buyer_writes(shop, line, chat_id=chat)

    async def listed() -> dict[str, str] | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        found = {c["external_chat_id"]: c["id"] for c in items}
        return found if set(texts) <= set(found) else None
    return await eventually(listed, within=20)  # type: ignore[no-any-return]


async def _ids(tenant: Tenant, http: httpx.AsyncClient | None = None, **params: Any) -> list[str]:
    """Every page's conversation ids (pages of 1: the cursors carry the filters' list)."""
    seen, cursor = [], ""
    while True:
        resp = await (http or tenant.http).get("/v1/conversations",
                                                params={**params, "limit": 1, "cursor": cursor})
        assert resp.status_code == 200, resp.text
        seen += [c["id"] for c in resp.json()["items"]]
        if not (cursor := resp.json()["page"]["next_cursor"] or ""):
            return seen


async def test_filters_search_and_pinned_first(platform: RunningPlatform, seller: Tenant,
                                               chats: dict[str, str]) -> None:
    one, two, three = chats["gap-1"], chats["gap-2"], chats["gap-3"]
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=15) as browser:
        login = await browser_login(browser, seller.email, seller.password)
        me = login.json()["user_id"]
        assigned = await seller.http.patch(f"/v1/conversations/{one}",
                                           json={"assignee_user_id": me})
        assert assigned.status_code == 200, assigned.text
        assert await _ids(seller, browser, assignee="me") == [one]
    assert await _ids(seller, assignee=me) == [one]
    assert set(await _ids(seller, assignee="none")) == {two, three}
    by_key = await seller.http.get("/v1/conversations", params={"assignee": "me"})
    assert by_key.status_code == 422 and "signed-in user" in by_key.json()["detail"]
    bad = await seller.http.get("/v1/conversations", params={"assignee": "someone"})
    assert bad.status_code == 422, bad.text
    for id_, labels in ((two, ["vip", "опт"]), (three, ["vip"])):
        await seller.http.patch(f"/v1/conversations/{id_}", json={"labels": labels})
    assert await _ids(seller, label=["vip", "опт"]) == [two]
    assert set(await _ids(seller, label="vip")) == {two, three}
    assert await _ids(seller, q="доставкой") == [one]  # Russian word forms
    assert await _ids(seller, q="размер", label="vip") == [two]
    too_long = await seller.http.get("/v1/conversations", params={"q": "я" * 201})
    assert too_long.status_code == 422
    whole = await _ids(seller)
    await seller.http.patch(f"/v1/conversations/{whole[-1]}", json={"pinned": True})
    assert await _ids(seller) == [whole[-1], *whole[:-1]]
    assert (await _ids(seller, sort="price"))[0] == whole[-1]
    query = """query($f: ConversationFilterInput) { conversations(filter: $f, first: 10) {
      edges { node { id labels } } } }"""
    graph = (await seller.http.post("/graphql", json={"query": query, "variables": {
        "f": {"labels": ["vip"], "query": "размер", "assignee": "none"}}})).json()
    assert [e["node"]["id"] for e in graph["data"]["conversations"]["edges"]] == [two], graph
    async with Switchboard(platform.gateway_url, api_key=seller.api_key) as sdk:
        page = await sdk.conversations(ConversationFilter(labels=["vip"], query="размер",
                                                          assignee="none"))
        assert [c.id for c in page.items] == [two]


async def _make_due(platform: RunningPlatform, seller: Tenant, id_: str) -> None:
    """Its time has come (moved back instead of waiting for it)."""
    async with platform.db.unit_of_work(seller.tenant_id) as session:
        await session.execute(text(
            "UPDATE conversations.conversations SET snoozed_until = now() - interval '1 second' "
            "WHERE id = :id"), {"id": id_})


async def test_snooze_wakes_by_the_job_and_the_feed_sees_it(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop,
        chats: dict[str, str]) -> None:
    id_, path = chats["gap-3"], f"/v1/conversations/{chats['gap-3']}"
    now = datetime.now(UTC)
    for body, says in (({"status": "snoozed"}, "required"),
                       ({"snoozed_until": (now + timedelta(hours=1)).isoformat()},
                        "snoozed_until goes with status snoozed"),
                       ({"status": "snoozed", "snoozed_until": (now - timedelta(hours=1))
                         .isoformat()}, "future"),
                       ({"status": "snoozed", "snoozed_until": (now + timedelta(days=91))
                         .isoformat()}, "90 days")):
        refused = await seller.http.patch(path, json=body)
        assert refused.status_code == 422 and says in refused.json()["detail"], refused.text
    until = now + timedelta(hours=1)
    snoozed = await seller.http.patch(path, json={"status": "snoozed",
                                                  "snoozed_until": until.isoformat()})
    assert snoozed.status_code == 200, snoozed.text
    assert snoozed.json()["status"] == "snoozed"
    assert datetime.fromisoformat(snoozed.json()["snoozed_until"]) == until
    scheduling = platform.platform.runtimes["scheduling"]
    jobs = PlatformJobsClient(open_channel(scheduling.grpc.address),
                              platform.settings.caller("gateway"))
    try:
        async with sse(platform.gateway_url, seller.api_key) as (stream, _):
            await _make_due(platform, seller, id_)
            await jobs.run_now("conversations.wake_snoozed")
            while True:
                frame = await stream.event(within=30)
                body = frame.json
                if frame.event == "conversation.updated" and body["conversation"]["id"] == id_ \
                        and body["conversation"]["status"] == "open":
                    break
    finally:
        await jobs.channel.close()
    assert body["conversation"]["snoozed_until"] is None
    # Snoozed again (by the SDK), a buyer's message wakes it at once.
    later = datetime.now(UTC) + timedelta(days=2)
    async with Switchboard(platform.gateway_url, api_key=seller.api_key) as sdk:
        again = await sdk.update_conversation(id_, status=ConversationStatus.SNOOZED,
                                              snoozed_until=later)
    assert again.status == ConversationStatus.SNOOZED and again.snoozed_until == later
    await platform.buyer_writes(shop, "Ау?", chat_id="gap-3")

    async def woken() -> bool:
        return (await seller.http.get(path)).json()["status"] == "open"
    await eventually(woken, within=20)


async def test_canned_replies_admins_manage_everyone_renders(
        platform: RunningPlatform, seller: Tenant, chats: dict[str, str]) -> None:
    created = await seller.http.post("/v1/canned-replies", json={
        "title": "Приветствие", "text": "Здравствуйте, {buyer_name}! {listing_title}: {price}",
        "shortcut": "/hello"})
    assert created.status_code == 201, created.text
    reply = created.json()
    assert reply["shortcut"] == "hello"
    clash = await seller.http.post("/v1/canned-replies", json={
        "title": "Ещё", "text": "x", "shortcut": "hello"})
    assert clash.status_code == 409, clash.text
    writer = (await seller.http.post("/v1/api-keys", json={
        "name": "agent", "scopes": ["write"]})).json()["key"]
    as_agent = {"Authorization": f"Bearer {writer}"}
    refused = await seller.http.post("/v1/canned-replies", headers=as_agent,
                                     json={"title": "t", "text": "x"})
    assert refused.status_code == 403, refused.text
    listed = await seller.http.get("/v1/canned-replies", headers=as_agent)
    assert [r["id"] for r in listed.json()["items"]] == [reply["id"]]
    render = f"/v1/conversations/{chats['gap-2']}/canned-replies/{reply['id']}/render"
    done = await seller.http.post(render, headers=as_agent)
    assert done.status_code == 200, done.text
    assert done.json()["text"].startswith("Здравствуйте, ")
    assert set(done.json()["missing"]) <= {"buyer_name", "listing_title", "price"}
    patched = await seller.http.patch(f"/v1/canned-replies/{reply['id']}",
                                      json={"text": "Цена {price}{bonus}", "shortcut": None})
    assert patched.status_code == 200 and patched.json()["shortcut"] is None, patched.text
    async with Switchboard(platform.gateway_url, api_key=writer) as sdk:
        rendered = await sdk.render_canned_reply(reply["id"], chats["gap-2"])
        assert rendered.unknown == ["bonus"] and rendered.text.startswith("Цена ")
        [listed_by_sdk] = await sdk.canned_replies()
        assert listed_by_sdk.text == "Цена {price}{bonus}"
    rival = await platform.new_tenant("Canned rival")
    assert (await rival.http.post(render)).status_code == 404
    assert (await rival.http.delete(f"/v1/canned-replies/{reply['id']}")).status_code == 404
    assert (await rival.http.get("/v1/canned-replies")).json()["items"] == []
    gone = await seller.http.delete(f"/v1/canned-replies/{reply['id']}")
    assert gone.status_code == 204
    assert (await seller.http.post(render)).status_code == 404

"""Nothing lost, nothing doubled: backfill on connect, reconciliation after dropped webhooks,
duplicated and reordered deliveries, listing context, three shops in one tenant and two
tenants side by side. Driven like users: the public REST API and the emulator's control API.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text

from clients.rpc import topics
from services.kernel.bus import Bus
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.fixtures.settled import WEBHOOK_TO_STORED, drained, webhooks_settled

pytestmark = pytest.mark.slow

# Avito stamps messages in whole seconds: writing this far apart gives each its own sent_at.
ONE_SECOND_APART = 1.05


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Seller")


@pytest.fixture
async def faults(platform: RunningPlatform) -> AsyncIterator[Any]:
    """Inject emulator faults; they are cleared whatever the test does."""
    async def inject(**spec: Any) -> None:
        (await platform.emulator.post("/_emulator/faults", json=spec)).raise_for_status()
    yield inject
    (await platform.emulator.delete("/_emulator/faults")).raise_for_status()


async def new_account(platform: RunningPlatform, items: list[dict[str, Any]]) -> dict[str, Any]:
    resp = await platform.emulator.post("/_emulator/accounts", json={"items": items})
    return dict(resp.raise_for_status().json())


async def connect(platform: RunningPlatform, tenant: Tenant,
                  account: dict[str, Any]) -> SandboxShop:
    resp = await tenant.http.post("/v1/channels/avito", json={
        "name": "Магазин", "client_id": account["client_id"],
        "client_secret": account["client_secret"], "sandbox": True})
    assert resp.status_code == 201, resp.text
    return SandboxShop(resp.json(), account)


async def synced(tenant: Tenant, shop: SandboxShop) -> None:
    """Wait until the account's first pass (its backfill) is done."""
    async def done() -> bool:
        resp = await tenant.http.get(f"/v1/channels/{shop.channel['id']}")
        return resp.json()["last_sync_at"] is not None
    await eventually(done, within=30)


async def sync_now(tenant: Tenant, shop: SandboxShop) -> str:
    """Ask for a pass (SyncChannel); returns when it is due."""
    resp = await tenant.http.post(f"/v1/channels/{shop.channel['id']}/sync")
    assert resp.status_code == 202, resp.text
    return str(resp.json()["scheduled_for"])


async def synced_after(bus: Bus, tenant: Tenant, shop: SandboxShop, scheduled_for: str) -> None:
    """The pass asked for at `scheduled_for` finished, and conversations stored what it
    brought (the pass publishes message.inbound before it completes)."""
    due = datetime.fromisoformat(scheduled_for)

    async def done() -> bool:
        last = (await tenant.http.get(f"/v1/channels/{shop.channel['id']}")).json()["last_sync_at"]
        return last is not None and datetime.fromisoformat(last) > due
    await eventually(done, within=30)
    await drained(bus, topics.CONVERSATIONS_INBOUND)


async def list_conversations(tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    resp = await tenant.http.get("/v1/conversations", params={"limit": 100, **params})
    assert resp.status_code == 200, resp.text
    return list(resp.json()["items"])


async def list_messages(tenant: Tenant, conversation_id: str) -> list[dict[str, Any]]:
    resp = await tenant.http.get(f"/v1/conversations/{conversation_id}/messages",
                                 params={"limit": 100})
    assert resp.status_code == 200, resp.text
    return list(resp.json()["items"])


async def conversation_with(tenant: Tenant, chat_id: str, count: int) -> dict[str, Any]:
    """The conversation of `chat_id` once it holds `count` messages."""
    async def found() -> dict[str, Any] | None:
        for conv in await list_conversations(tenant):
            if conv["external_chat_id"] == chat_id and \
                    len(await list_messages(tenant, conv["id"])) >= count:
                # Read again: the list above may predate the last message.
                return dict((await tenant.http.get(f"/v1/conversations/{conv['id']}")).json())
        return None
    return await eventually(found, within=30)


async def read_on_avito(platform: RunningPlatform, account: dict[str, Any], chat_id: str) -> None:
    token = (await platform.emulator.post("/token", data={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": account["client_secret"]})).raise_for_status().json()["access_token"]
    (await platform.emulator.post(
        f"/messenger/v1/accounts/{account['user_id']}/chats/{chat_id}/read",
        headers={"Authorization": f"Bearer {token}"})).raise_for_status()


async def test_backfill_on_connect(platform: RunningPlatform, seller: Tenant) -> None:
    account = await new_account(platform, [{"title": "Велосипед", "price": 18500},
                                           {"title": "Диван", "price": 34990}])
    user_id, (bike, sofa) = account["user_id"], account["items"]
    write = platform.emulator.post
    bike_chat = (await write(f"/_emulator/accounts/{user_id}/incoming", json={
        "item_id": bike["id"], "author_name": "Пётр", "text": "Велосипед ещё продаётся?"})).json()
    await asyncio.sleep(ONE_SECOND_APART)
    await write(f"/_emulator/accounts/{user_id}/incoming",
                json={"chat_id": bike_chat["chat_id"], "text": "Торг уместен?"})
    sofa_chat = (await write(f"/_emulator/accounts/{user_id}/incoming", json={
        "item_id": sofa["id"], "author_name": "Анна", "text": "Диван в наличии?"})).json()
    profile_chat = (await write(f"/_emulator/accounts/{user_id}/incoming", json={
        "chat_id": "u2u-" + uuid.uuid4().hex[:22], "author_name": "Олег",
        "text": "Добрый день, вы продаёте мебель?"})).json()
    await read_on_avito(platform, account, sofa_chat["chat_id"])
    await asyncio.sleep(ONE_SECOND_APART)  # history: written before the second of connecting

    await connect(platform, seller, account)
    bike_conv = await conversation_with(seller, bike_chat["chat_id"], 2)
    sofa_conv = await conversation_with(seller, sofa_chat["chat_id"], 1)
    profile_conv = await conversation_with(seller, profile_chat["chat_id"], 1)
    assert (bike_conv["contact"]["name"], bike_conv["listing"]["title"],
            bike_conv["listing"]["price_minor"]) == ("Пётр", "Велосипед", 1_850_000)
    assert (sofa_conv["contact"]["name"], sofa_conv["listing"]["price_minor"]) == \
        ("Анна", 3_499_000)
    assert profile_conv["contact"]["name"] == "Олег" and profile_conv["listing"] is None
    # Old messages are history: what the seller read on Avito is not unread here.
    assert (bike_conv["unread_count"], sofa_conv["unread_count"],
            profile_conv["unread_count"]) == (2, 0, 1)
    messages = await list_messages(seller, bike_conv["id"])
    assert [m["text"] for m in messages] == ["Торг уместен?", "Велосипед ещё продаётся?"]
    assert all(m["historical"] for m in messages)
    by_price = await list_conversations(seller, sort="price")
    assert [c["external_chat_id"] for c in by_price] == \
        [bike_chat["chat_id"], sofa_chat["chat_id"], profile_chat["chat_id"]]


async def test_dropped_webhooks_are_recovered_by_sync(
        platform: RunningPlatform, seller: Tenant, faults: Any, bus: Bus) -> None:
    shop = await platform.connect_sandbox_shop(seller)
    await synced(seller, shop)
    await faults(drop_webhooks=2)
    written = [await platform.buyer_writes(shop, "Здравствуйте!", author_name="Иван")]
    for text_ in ("Велосипед ещё продаётся?", "Когда можно забрать?"):
        written.append(await platform.buyer_writes(shop, text_, chat_id=written[0]["chat_id"]))
    conv = await conversation_with(seller, written[0]["chat_id"], 1)  # the one delivered
    await webhooks_settled(platform.emulator, *(w["message_id"] for w in written))
    await drained(bus, *WEBHOOK_TO_STORED)
    assert len(await list_messages(seller, conv["id"])) == 1

    scheduled_for = await sync_now(seller, shop)
    conv = await conversation_with(seller, written[0]["chat_id"], 3)
    messages = await list_messages(seller, conv["id"])
    assert sorted(m["external_message_id"] for m in messages) == \
        sorted(w["message_id"] for w in written)
    assert not any(m["historical"] for m in messages)  # late, but live: the agent may answer
    assert conv["unread_count"] == 3
    await synced_after(bus, seller, shop, scheduled_for)  # the pass adds nothing more
    assert len(await list_messages(seller, conv["id"])) == 3


async def test_duplicated_and_reordered_webhooks(
        platform: RunningPlatform, seller: Tenant, faults: Any, bus: Bus) -> None:
    shop = await platform.connect_sandbox_shop(seller)
    await synced(seller, shop)
    await faults(duplicate_webhooks=True, reorder_webhooks=True, reorder_window_ms=5000)
    texts = ["первое", "второе", "третье", "четвёртое"]
    written = [await platform.buyer_writes(shop, texts[0])]
    for text_ in texts[1:]:
        await asyncio.sleep(ONE_SECOND_APART)
        written.append(await platform.buyer_writes(shop, text_, chat_id=written[0]["chat_id"]))
    conv = await conversation_with(seller, written[0]["chat_id"], 4)
    await webhooks_settled(platform.emulator, *(w["message_id"] for w in written))  # copies too
    await drained(bus, *WEBHOOK_TO_STORED)
    messages = await list_messages(seller, conv["id"])
    assert [m["text"] for m in messages] == texts[::-1]  # newest first, by sent_at
    assert (await seller.http.get(f"/v1/conversations/{conv['id']}")).json()["unread_count"] == 4


async def test_listing_context_and_its_refresh(platform: RunningPlatform,
                                               seller: Tenant) -> None:
    shop = await platform.connect_sandbox_shop(seller)
    await synced(seller, shop)
    bike, sofa = shop.account["items"]
    bike_chat = await platform.buyer_writes(shop, "Велосипед ещё продаётся?", item_id=bike["id"])
    sofa_chat = await platform.buyer_writes(shop, "Диван в наличии?", item_id=sofa["id"])

    async def enriched(chat_id: str, price: int) -> dict[str, Any] | None:
        for conv in await list_conversations(seller):
            listing = conv["listing"] or {}
            if conv["external_chat_id"] == chat_id and listing.get("price_minor") == price:
                return conv
        return None
    bike_conv = await eventually(lambda: enriched(bike_chat["chat_id"], 1_850_000), within=30)
    await eventually(lambda: enriched(sofa_chat["chat_id"], 3_499_000), within=30)
    assert bike_conv["listing"]["title"] == "Велосипед"
    assert bike_conv["listing"]["url"] == bike["url"] and bike_conv["listing"]["image_url"]
    assert [c["external_chat_id"] for c in await list_conversations(seller, sort="price")] == \
        [bike_chat["chat_id"], sofa_chat["chat_id"]]
    assert [c["external_chat_id"] for c in
            await list_conversations(seller, sort="price_desc")] == \
        [sofa_chat["chat_id"], bike_chat["chat_id"]]

    # The seller lowers the price on Avito; once the cached listing is stale, the next pass
    # over the chat shows the new price.
    (await platform.emulator.patch(f"/_emulator/accounts/{shop.user_id}/items/{bike['id']}",
                                   json={"price": 15000})).raise_for_status()
    async with platform.db.unit_of_work(seller.tenant_id) as session:
        await session.execute(text("UPDATE channels.listings SET fetched_at = now() - "
                                   "interval '7 hours'"))
    await platform.buyer_writes(shop, "А за 15 000 отдадите?", chat_id=bike_chat["chat_id"])
    resp = await seller.http.post(f"/v1/channels/{shop.channel['id']}/sync")
    assert resp.status_code == 202, resp.text
    await eventually(lambda: enriched(bike_chat["chat_id"], 1_500_000), within=30)


async def test_three_shops_one_tenant_interleaved(platform: RunningPlatform,
                                                  seller: Tenant, bus: Bus) -> None:
    shops = [await platform.connect_sandbox_shop(seller, name=f"Магазин {i}") for i in range(3)]
    for shop in shops:
        await synced(seller, shop)
    expected: dict[str, dict[str, list[str]]] = {s.channel["id"]: {} for s in shops}
    chats: dict[str, str] = {}
    for round_ in range(3):
        for index, shop in enumerate(shops):
            text_ = f"магазин {index}, сообщение {round_}"
            # Rounds 0 and 1 in one chat, round 2 about the other listing in a new chat.
            extra: dict[str, Any] = {"item_id": shop.account["items"][round_ // 2]["id"]}
            if round_ == 1:
                extra = {"chat_id": chats[shop.channel["id"]]}
            wrote = await platform.buyer_writes(shop, text_, **extra)
            chats.setdefault(shop.channel["id"], wrote["chat_id"])
            expected[shop.channel["id"]].setdefault(wrote["chat_id"], []).append(text_)

    async def landed() -> bool:
        for channel_id, by_chat in expected.items():
            convs = await list_conversations(seller, channel=channel_id)
            # Sorted: rounds land in the same second, which orders them arbitrarily.
            got = {c["external_chat_id"]: sorted(m["text"] for m in
                                                 await list_messages(seller, c["id"]))
                   for c in convs}
            if got != {chat: sorted(texts) for chat, texts in by_chat.items()}:
                return False
        return True
    await eventually(landed, within=30)
    asked = [(shop, await sync_now(seller, shop)) for shop in shops]
    for shop, scheduled_for in asked:  # reconciliation on top changes nothing
        await synced_after(bus, seller, shop, scheduled_for)
    assert await landed()
    assert len(await list_conversations(seller)) == 6


async def test_two_tenants_never_see_each_other(platform: RunningPlatform) -> None:
    alice, bob = await platform.new_tenant("Alice"), await platform.new_tenant("Bob")
    alice_shop = await platform.connect_sandbox_shop(alice)
    bob_shop = await platform.connect_sandbox_shop(bob)
    alice_chat = await platform.buyer_writes(alice_shop, "Алисе")
    bob_chat = await platform.buyer_writes(bob_shop, "Бобу")
    alice_conv = await conversation_with(alice, alice_chat["chat_id"], 1)
    await conversation_with(bob, bob_chat["chat_id"], 1)
    for shop in (alice_shop, bob_shop):  # a pass of each account on top
        await synced(alice if shop is alice_shop else bob, shop)

    assert {c["channel_id"] for c in await list_conversations(alice)} == \
        {alice_shop.channel["id"]}
    assert {c["channel_id"] for c in await list_conversations(bob)} == {bob_shop.channel["id"]}
    assert [c["id"] for c in (await bob.http.get("/v1/channels")).json()["items"]] == \
        [bob_shop.channel["id"]]
    assert (await bob.http.get(f"/v1/conversations/{alice_conv['id']}")).status_code == 404
    assert (await bob.http.get(f"/v1/channels/{alice_shop.channel['id']}")).status_code == 404
    resp = await bob.http.post(f"/v1/channels/{alice_shop.channel['id']}/sync")
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/problem+json")

    mutation = "mutation($id: ID!) { syncChannel(id: $id) }"
    variables = {"id": alice_shop.channel["id"]}
    ok = (await alice.http.post("/graphql", json={"query": mutation,
                                                  "variables": variables})).json()
    assert "errors" not in ok and ok["data"]["syncChannel"]
    refused = (await bob.http.post("/graphql", json={"query": mutation,
                                                     "variables": variables})).json()
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"

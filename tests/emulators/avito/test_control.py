"""The control plane: accounts, buyers writing every message type, quotes, and the chatter."""

from __future__ import annotations

import json
import re
from typing import Any

from switchboard.emulators.avito.chatter import chat_once
from switchboard.emulators.avito.schemas import AccountSpec
from tests.emulators.avito.helpers import ITEMS, Avito, Receiver, Start
from tests.fixtures.events import eventually


async def test_control_accounts_and_incoming_errors(start: Start) -> None:
    seeded = AccountSpec(user_id=111222333, client_id="cid", client_secret="secret")
    avito = await start(accounts=[seeded])
    assert await avito.token({"client_id": "cid", "client_secret": "secret"})
    made = await avito.account(name="Ателье", client_secret="s2", items=ITEMS[:1])
    assert made["name"] == "Ателье" and made["client_secret"] == "s2"
    assert made["messenger_access"] is True and made["balance"] == {"real": 0.0, "bonus": 0.0,
                                                                  "cpa": 0}
    assert len(str(made["items"][0]["id"])) == 10
    listed = (await avito.control("/accounts"))["accounts"]
    assert [a["user_id"] for a in listed] == [111222333, made["user_id"]]
    duplicate = await avito.http.post("/_emulator/accounts", json={"user_id": 111222333})
    assert duplicate.status_code == 409
    incoming = "/_emulator/accounts/{}/incoming"
    cases = [(999, {"text": "hi"}, 404), (111222333, {}, 422),
             (111222333, {"text": "a", "image": "https://x/y.jpg"}, 422),
             (made["user_id"], {"text": "hi", "item_id": 1}, 404),
             (made["user_id"], {"type": "link"}, 422),
             (made["user_id"], {"type": "system"}, 422),
             (made["user_id"], {"type": "sticker"}, 422),
             (made["user_id"], {"text": "hi", "quote_id": "0" * 32}, 404)]
    for user_id, body, status in cases:
        response = await avito.http.post(incoming.format(user_id), json=body)
        assert response.status_code == status, (body, response.text)


async def test_patch_account(avito: Avito) -> None:
    account = await avito.account()
    patched = await avito.ok("PATCH", f"/_emulator/accounts/{account['user_id']}",
                             json={"name": "Новое имя", "messenger_access": False})
    assert patched["name"] == "Новое имя" and patched["messenger_access"] is False
    missing = await avito.http.patch("/_emulator/accounts/1", json={"name": "x"})
    assert missing.status_code == 404


async def test_buyer_without_items_opens_profile_chat_and_is_reused(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    first = await avito.incoming(seller, author_id=555000111)
    again = await avito.incoming(seller, author_id=555000111, text="и ещё")
    assert again["chat_id"] == first["chat_id"] and again["author_id"] == 555000111
    plain = await avito.seller()
    chat_id = (await avito.incoming(plain))["chat_id"]
    assert chat_id.startswith("u2u-")


EVERY_TYPE: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"type": "text", "text": "Привет"}, {"text": "Привет"}),
    ({"type": "voice", "voice_id": "v-1"}, {"voice": {"voice_id": "v-1"}}),
    ({"type": "link", "url": "https://example.com/x", "text": "смотри"},
     {"link": {"text": "смотри", "url": "https://example.com/x", "preview": None}}),
    ({"type": "location", "location": {"lat": 55.75, "lon": 37.62, "text": "Москва, Тверская 1",
                                       "title": "Тверская 1"}},
     {"location": {"lat": 55.75, "lon": 37.62, "text": "Москва, Тверская 1",
                   "title": "Тверская 1", "kind": "house"}}),
    ({"type": "call"}, {"call": {"status": "missed", "target_user_id": "SELLER"}}),
    ({"type": "file"}, {}),
    ({"type": "appCall"}, {}),
    ({"type": "video"}, {}),
    ({"type": "system", "flow_id": "seller_audience_discount", "text": "Скидка 5%"},
     {"flow_id": "seller_audience_discount", "text": "Скидка 5%"}),
]


async def test_incoming_messages_of_every_type(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=[{"title": "Велосипед Stels", "price": 18500,
                                        "image_url": "https://img.example/bike.jpg"}])
    await avito.subscribe(seller, receiver.url)
    chat_id = (await avito.incoming(seller, image="https://img.example/1.jpg"))["chat_id"]
    item = await avito.incoming(seller, chat_id=chat_id, type="item")
    assert item["content"] == {"item": {
        "title": "Велосипед Stels", "item_url": seller.account["items"][0]["url"],
        "image_url": "https://img.example/bike.jpg", "price_string": "18 500 ₽"}}
    for spec, content in EVERY_TYPE:
        if "call" in content:
            content = {"call": {"status": "missed", "target_user_id": seller.user_id}}
        written = await avito.incoming(seller, chat_id=chat_id, **spec)
        assert written["type"] == spec["type"] and written["content"] == content
    history = (await avito.http.get(seller.messages_path(chat_id),
                                    headers=seller.headers)).json()["messages"]
    types = ["image", "item", *(spec["type"] for spec, _ in EVERY_TYPE)]
    assert [m["type"] for m in reversed(history)] == types
    assert history[0]["author_id"] == 0 and history[0]["direction"] == "in"
    values = await receiver.values(len(types))
    assert [v["type"] for v in values] == types
    assert values[-1]["author_id"] == 0 and values[-1]["content"]["flow_id"]


async def test_quotes_show_in_the_history(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller, text="Цена?"))["chat_id"]
    answer = (await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                    json={"message": {"text": "300 000"}, "type": "text"})).json()
    quoting = await avito.incoming(seller, chat_id=chat_id, text="Дорого", quote_id=answer["id"])
    [latest, *_] = (await avito.http.get(seller.messages_path(chat_id),
                                         headers=seller.headers)).json()["messages"]
    assert latest["id"] == quoting["message_id"]
    assert latest["quote"] == {"id": answer["id"], "author_id": seller.user_id,
                               "created": answer["created"], "type": "text",
                               "content": {"text": "300 000"}}
    other_chat = (await avito.incoming(seller))["chat_id"]
    elsewhere = await avito.http.post(f"/_emulator/accounts/{seller.user_id}/incoming", json={
        "chat_id": other_chat, "text": "x", "quote_id": answer["id"]})
    assert elsewhere.status_code == 404


async def test_chatter_writes_to_sellers(start: Start, receiver: Receiver) -> None:
    avito = await start(chatter_interval_s=0.02, seed=3)
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    value = (await receiver.values(1))[0]
    assert value["user_id"] == seller.user_id and value["author_id"] != seller.user_id
    assert re.search("[а-яА-Я]", value["content"]["text"])


async def test_chatter_starts_and_stops_when_told(start: Start, receiver: Receiver) -> None:
    """The dev stack starts the buyers once its gateway listens (`PUT /_emulator/chatter`)."""
    avito = await start(seed=5)  # no chatter configured: nobody writes
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    assert await avito.ok("PUT", "/_emulator/chatter", json={"interval_s": 0.02}) == \
        {"interval_s": 0.02}
    first = await receiver.values(3)
    assert all(v["author_id"] != seller.user_id for v in first)

    await avito.ok("PUT", "/_emulator/chatter", json={"interval_s": None})
    written = sum(len(c.messages) for c in avito.emulator.store.accounts[seller.user_id].chats.values())
    marker = await avito.incoming(seller, text="marker")  # its webhook: the stop has settled
    await eventually(lambda: _delivered(receiver, marker["message_id"]))
    chats = avito.emulator.store.accounts[seller.user_id].chats.values()
    assert sum(len(c.messages) for c in chats) == written + 1
    bad = await avito.http.put("/_emulator/chatter", json={"interval_s": -1})
    assert bad.status_code == 422


async def _delivered(receiver: Receiver, message_id: str) -> bool | None:
    return any(json.loads(body)["payload"]["value"]["id"] == message_id
               for _, body in receiver.calls) or None


async def test_chatter_names_listings_bursts_and_comes_back(start: Start) -> None:
    avito = await start(seed=11)
    seller = await avito.seller(items=[{"title": "Велосипед Stels", "price": 18500}])
    bursts = [chat_once(avito.emulator) for _ in range(60)]
    openers = [b[0].message.content["text"] for b in bursts
               if b[0].chat.messages[0] is b[0].message]
    assert any("«Велосипед Stels»" in text and "18 500 ₽" in text for text in openers)
    assert any(len(burst) > 1 for burst in bursts)
    assert len({id(b[0].chat) for b in bursts}) < len(bursts)  # some came back to a chat
    assert all(i.message.content["text"] for b in bursts for i in b)
    assert all(i.chat.item is not None and i.chat.item.id == seller.item_ids[0]
               for b in bursts for i in b)

"""Messenger chats and messages: listing, paging, sending, reading, deleting, blacklisting,
and the tariff without Messenger access."""

from __future__ import annotations

from typing import Any

from switchboard.emulators.avito.endpoints import MESSENGER
from tests.emulators.avito.helpers import (
    CHAT_ID,
    ITEMS,
    TEXT,
    Avito,
    Receiver,
    Seller,
    endpoint_calls,
)


async def chat_ids(avito: Avito, seller: Seller, params: Any) -> list[str]:
    response = await avito.http.get(seller.chats_path(), params=params, headers=seller.headers)
    assert response.status_code == 200, response.text
    return [chat["id"] for chat in response.json()["chats"]]


async def test_chats_default_to_item_chats_only(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    item_chat = (await avito.incoming(seller))["chat_id"]
    profile_chat = "u2u-" + "A" * 22
    await avito.incoming(seller, chat_id=profile_chat)
    both = {item_chat, profile_chat}
    assert await chat_ids(avito, seller, {}) == [item_chat]
    assert set(await chat_ids(avito, seller, {"chat_types": "u2i,u2u"})) == both
    assert set(await chat_ids(avito, seller, [("chat_types", "u2i"), ("chat_types", "u2u")])) == both
    assert await chat_ids(avito, seller, {"chat_types": "u2u"}) == [profile_chat]
    bogus = await avito.http.get(seller.chats_path(), params={"chat_types": "x2y"},
                                 headers=seller.headers)
    assert bogus.status_code == 400 and "chat_types" in bogus.json()["error"]["fields"]


async def test_chats_limit_and_offset_are_validated(avito: Avito) -> None:
    seller = await avito.seller()
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 1001}):
        response = await avito.http.get(seller.chats_path(), params=params, headers=seller.headers)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == 400 and error["message"] == "Validation error"
        assert set(error["fields"]) == set(params)
    edge = await avito.http.get(seller.chats_path(), params={"limit": 100, "offset": 1000},
                                headers=seller.headers)
    assert edge.json() == {"chats": [], "meta": {"has_more": False}}


async def test_chats_page_newest_first_with_has_more(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    created = [(await avito.incoming(seller))["chat_id"] for _ in range(5)]
    await avito.incoming(seller, chat_id=created[0], text="ещё вопрос")
    expected = [created[0], *reversed(created[1:])]
    seen, offset, has_more = [], 0, True
    while has_more:
        page = (await avito.http.get(seller.chats_path(), params={"limit": 2, "offset": offset},
                                     headers=seller.headers)).json()
        seen += [chat["id"] for chat in page["chats"]]
        has_more, offset = page["meta"]["has_more"], offset + 2
    assert seen == expected
    assert all(CHAT_ID.match(chat_id) for chat_id in seen)


async def test_chat_shape_item_filter_and_404(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    first, second = seller.item_ids
    chat_id = (await avito.incoming(seller, item_id=second, author_name="Иван"))["chat_id"]
    await avito.incoming(seller, item_id=first)
    chat = (await avito.http.get(seller.chats_path(f"/{chat_id}"), headers=seller.headers)).json()
    value = chat["context"]["value"]
    assert chat["context"]["type"] == "item" and value["id"] == second
    assert value["title"] == "Диван" and value["price_string"] == "15 000 ₽"
    assert value["url"] and value["images"]["main"]["140x105"] and value["status_id"] == 10
    assert chat["users"][0]["id"] == seller.user_id
    assert chat["users"][1]["name"] == "Иван"
    assert chat["last_message"]["direction"] == "in"
    assert await chat_ids(avito, seller, {"item_ids": str(second)}) == [chat_id]
    missing = await avito.http.get(seller.chats_path("/u2i-unknown"), headers=seller.headers)
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": 404, "message": "Not found"}}


async def test_send_is_logged_and_echoed(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    chat_id = (await avito.incoming(seller))["chat_id"]
    await receiver.wait(1)
    response = await avito.http.post(seller.send_path(chat_id), headers=seller.headers, json=TEXT)
    assert response.status_code == 200
    message = response.json()
    assert set(message) == {"id", "created", "direction", "type", "content"}
    assert message["direction"] == "out" and message["content"] == {"text": "Да, в наличии"}
    sent = (await avito.control(f"/accounts/{seller.user_id}/sent"))["sent"]
    assert sent == [{"chat_id": chat_id, "message_id": message["id"], "text": "Да, в наличии",
                     "created": message["created"]}]
    echo = (await receiver.values(2))[1]
    assert echo["author_id"] == echo["user_id"] == seller.user_id
    assert echo["id"] == message["id"] and echo["chat_id"] == chat_id


async def test_send_validates_text_and_chat(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller))["chat_id"]
    for text in ("x" * 1001, ""):
        response = await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                         json={"message": {"text": text}, "type": "text"})
        assert response.status_code == 400
        assert "message.text" in response.json()["error"]["fields"]
    longest = await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                    json={"message": {"text": "x" * 1000}, "type": "text"})
    assert longest.status_code == 200
    unknown = await avito.http.post(seller.send_path("u2i-nope"), headers=seller.headers,
                                    json=TEXT)
    assert unknown.status_code == 404
    assert len((await avito.control(f"/accounts/{seller.user_id}/sent"))["sent"]) == 1


async def test_messages_newest_first_on_both_paths_without_marking_read(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller, text="один"))["chat_id"]
    await avito.incoming(seller, chat_id=chat_id, image="https://img.example/1.jpg")
    await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                          json={"message": {"text": "три"}, "type": "text"})
    path = seller.messages_path(chat_id)
    with_slash = (await avito.http.get(path, headers=seller.headers)).json()["messages"]
    without = (await avito.http.get(path.rstrip("/"), headers=seller.headers)).json()["messages"]
    assert with_slash == without
    assert [m["type"] for m in with_slash] == ["text", "image", "text"]
    assert [m["direction"] for m in with_slash] == ["out", "in", "in"]
    assert with_slash[0]["content"] == {"text": "три"} and with_slash[0]["is_read"] is True
    assert with_slash[1]["content"]["image"]["sizes"]["640x480"] == "https://img.example/1.jpg"
    assert not with_slash[2]["is_read"] and with_slash[2]["read"] is None
    page = (await avito.http.get(path, params={"limit": 1, "offset": 1},
                                 headers=seller.headers)).json()["messages"]
    assert [m["id"] for m in page] == [with_slash[1]["id"]]
    beyond = (await avito.http.get(path, params={"offset": 3}, headers=seller.headers)).json()
    assert beyond == {"messages": []}
    assert (await avito.control(f"/accounts/{seller.user_id}/chats/{chat_id}"))["unread"]


async def test_messages_can_be_a_bare_array(start: Any) -> None:
    avito = await start(messages_bare_array=True)
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller))["chat_id"]
    body = (await avito.http.get(seller.messages_path(chat_id), headers=seller.headers)).json()
    assert isinstance(body, list) and body[0]["content"] == {"text": "Здравствуйте!"}


async def test_read_marks_incoming_messages_read(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    read_id = (await avito.incoming(seller))["chat_id"]
    await avito.incoming(seller, chat_id=read_id, text="алло?")
    unread_id = (await avito.incoming(seller))["chat_id"]
    response = await avito.http.post(seller.v1(f"/chats/{read_id}/read"), headers=seller.headers)
    assert response.json() == {"ok": True}
    messages = (await avito.http.get(seller.messages_path(read_id),
                                     headers=seller.headers)).json()["messages"]
    assert [m["is_read"] for m in messages] == [True, True]
    chat = await avito.control(f"/accounts/{seller.user_id}/chats/{read_id}")
    assert not chat["unread"] and len(chat["read_events"]) == 1
    assert all(m["read_at"] is not None for m in chat["messages"])
    assert await chat_ids(avito, seller, {"unread_only": "true"}) == [unread_id]
    await avito.incoming(seller, chat_id=read_id, text="ну так что?")
    assert set(await chat_ids(avito, seller, {"unread_only": "true"})) == {read_id, unread_id}


async def test_delete_own_recent_message(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    chat_id = (await avito.incoming(seller))["chat_id"]
    sent = (await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                  json=TEXT)).json()
    delete = seller.v1(f"/chats/{chat_id}/messages/{sent['id']}")
    response = await avito.http.post(delete, headers=seller.headers)
    assert response.status_code == 200 and response.json() == {}
    messages = (await avito.http.get(seller.messages_path(chat_id),
                                     headers=seller.headers)).json()["messages"]
    assert (messages[0]["id"], messages[0]["type"]) == (sent["id"], "deleted")
    assert messages[0]["created"] == sent["created"] and len(messages) == 2
    values = await receiver.values(3)
    assert values[2]["id"] == sent["id"] and values[2]["type"] == "deleted"
    assert values[2]["author_id"] == seller.user_id
    # Deleting it again changes nothing and sends nothing.
    assert (await avito.http.post(delete, headers=seller.headers)).status_code == 200
    log = await avito.settled_deliveries(3)
    assert [r["message_type"] for r in log] == ["text", "text", "deleted"]


async def test_delete_refuses_others_old_and_unknown_messages(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    incoming = await avito.incoming(seller)
    chat_id = incoming["chat_id"]
    theirs = await avito.http.post(seller.v1(f"/chats/{chat_id}/messages/{incoming['message_id']}"),
                                   headers=seller.headers)
    assert theirs.status_code == 403 and theirs.json()["error"]["code"] == 403
    sent = (await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                  json=TEXT)).json()
    await avito.advance(3601)
    late = await avito.http.post(seller.v1(f"/chats/{chat_id}/messages/{sent['id']}"),
                                 headers=seller.headers)
    assert late.status_code == 400
    assert late.json()["error"] == {"code": 400, "message":
                                    "Messages can be deleted only within 1 hour after sending"}
    unknown = await avito.http.post(seller.v1(f"/chats/{chat_id}/messages/{'0' * 32}"),
                                    headers=seller.headers)
    assert unknown.status_code == 404


async def test_blacklist_records_and_refuses_further_messages(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    written = await avito.incoming(seller, author_id=555000111)
    body = {"users": [{"user_id": 555000111,
                       "context": {"item_id": seller.item_ids[0], "reason_id": 1}},
                      {"user_id": 555000222}]}
    response = await avito.http.post(f"/messenger/v2/accounts/{seller.user_id}/blacklist",
                                     json=body, headers=seller.headers)
    assert response.status_code == 200 and response.json() == {}
    listed = (await avito.control(f"/accounts/{seller.user_id}/blacklist"))["blacklist"]
    assert [(e["user_id"], e["item_id"], e["reason_id"]) for e in listed] == [
        (555000111, seller.item_ids[0], 1), (555000222, None, None)]
    assert all(isinstance(e["created"], int) for e in listed)
    incoming = f"/_emulator/accounts/{seller.user_id}/incoming"
    for spec in ({"author_id": 555000111, "text": "ау"}, {"chat_id": written["chat_id"],
                                                          "text": "ау"}):
        refused = await avito.http.post(incoming, json=spec)
        assert refused.status_code == 409, refused.text
    assert (await avito.incoming(seller, author_id=555000333))["chat_id"]
    bad = await avito.http.post(f"/messenger/v2/accounts/{seller.user_id}/blacklist",
                                json={"users": [{"user_id": 1, "context": {"reason_id": 9}}]},
                                headers=seller.headers)
    assert bad.status_code == 400


async def test_without_messenger_access_every_messenger_endpoint_is_402(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    chat_id = (await avito.incoming(seller))["chat_id"]
    await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}",
                   json={"messenger_access": False})
    calls = endpoint_calls(seller, chat_id, "0" * 32, seller.item_ids[0])
    for endpoint in sorted(MESSENGER):
        method, path, kwargs = calls[endpoint]
        response = await avito.http.request(method, path, headers=seller.headers, **kwargs)
        assert response.status_code == 402, (endpoint, response.text)
        assert response.json() == {"error": {"code": 402, "message": "Payment required"}}
    self_ = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
    assert self_.status_code == 200
    await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}",
                   json={"messenger_access": True})
    assert (await avito.http.get(seller.chats_path(), headers=seller.headers)).status_code == 200


async def test_messenger_access_can_be_off_from_the_start(avito: Avito,
                                                          receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS, messenger_access=False)
    assert seller.account["messenger_access"] is False
    assert (await avito.http.get(seller.chats_path(), headers=seller.headers)).status_code == 402
    await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}",
                   json={"messenger_access": True})
    await avito.subscribe(seller, receiver.url)
    await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}",
                   json={"messenger_access": False})
    # Buyers still write, but an account without the Messenger API gets no webhooks.
    assert (await avito.incoming(seller))["delivery_ids"] == []

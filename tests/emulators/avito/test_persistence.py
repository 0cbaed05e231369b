"""The sandbox on disk: restarts keep state (format version 2), version 1 files still load,
unreadable files are set aside."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from switchboard.emulators.avito import persistence
from tests.emulators.avito.helpers import (
    ITEMS,
    TEXT,
    Avito,
    Receiver,
    Seller,
    bearer,
    eventually,
    serving,
)

REDIRECT = "https://partner.example/cb"


async def partner_tokens(avito: Avito, user_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    app = await avito.ok("POST", "/_emulator/apps", json={"redirect_uri": REDIRECT})
    code = (await avito.ok("POST", "/_emulator/oauth/authorize",
                           json={"client_id": app["client_id"], "user_id": user_id}))["code"]
    token = await avito.http.post("/token", data={
        "grant_type": "authorization_code", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "code": code})
    return app, token.json()


def _picture(chat: dict[str, Any]) -> str:
    url: str = chat["context"]["value"]["images"]["main"]["140x105"]
    return url


def _without_picture(chat: dict[str, Any]) -> dict[str, Any]:
    value = {**chat["context"]["value"], "images": None}
    return {**chat, "context": {**chat["context"], "value": value}}


async def test_sandbox_survives_a_restart(tmp_path: Path, receiver: Receiver) -> None:
    path = tmp_path / "avito.json"
    async with serving(state_file=path, seed=7) as avito:
        seller = await avito.seller(items=ITEMS)
        await avito.subscribe(seller, receiver.url)
        chat_id = (await avito.incoming(seller, text="Ещё продаётся?"))["chat_id"]
        await avito.http.post(seller.v1(f"/chats/{chat_id}/read"), headers=seller.headers)
        await avito.incoming(seller, chat_id=chat_id, text="алло?")
        sent = await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                     json={"message": {"text": "Да"}, "type": "text"})
        assert sent.status_code == 200
        chat = await avito.control(f"/accounts/{seller.user_id}/chats/{chat_id}")
        sent_log = await avito.control(f"/accounts/{seller.user_id}/sent")
        messages = (await avito.http.get(seller.messages_path(chat_id),
                                         headers=seller.headers)).json()
    assert json.loads(path.read_text())["version"] == 2

    async with serving(state_file=path, seed=7) as avito:
        old_token = await avito.http.get(seller.chats_path(), headers=seller.headers)
        assert old_token.status_code == 401
        headers = bearer(await avito.token(seller.account))
        chats = (await avito.http.get(seller.chats_path(), headers=headers)).json()["chats"]
        assert [c["id"] for c in chats] == [chat_id]
        assert (await avito.http.get(seller.messages_path(chat_id),
                                     headers=headers)).json() == messages
        restored = await avito.control(f"/accounts/{seller.user_id}/chats/{chat_id}")
        # The listing's picture is served by the emulator, now on another port.
        assert _picture(restored).startswith(str(avito.http.base_url))
        assert _without_picture(restored) == _without_picture(chat)
        assert [m["is_read"] for m in messages["messages"]] == [True, False, True]
        subscriptions = await avito.http.post("/messenger/v1/subscriptions", headers=headers)
        assert subscriptions.json()["subscriptions"] == [{"url": receiver.url, "version": "3"}]
        assert await avito.control(f"/accounts/{seller.user_id}/sent") == sent_log
        # The same seed continues where it left off rather than re-issuing the same ids.
        assert (await avito.account())["client_id"] != seller.account["client_id"]
        again = await avito.incoming(seller, item_id=seller.item_ids[1])
        assert again["chat_id"] != chat_id


async def test_new_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "avito.json"
    async with serving(state_file=path) as avito:
        seller = await avito.seller(items=ITEMS, balance={"real": 99.5, "bonus": 1})
        app, tokens = await partner_tokens(avito, seller.user_id)
        item_id = seller.item_ids[0]
        await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}/items/{item_id}",
                       json={"title": "Mazda 3 2009", "status": "old",
                             "image_url": "https://img.example/m.jpg"})
        chat_id = (await avito.incoming(seller, author_id=555000111))["chat_id"]
        sent = (await avito.http.post(seller.send_path(chat_id), headers=seller.headers,
                                      json=TEXT)).json()
        await avito.incoming(seller, chat_id=chat_id, text="?", quote_id=sent["id"])
        await avito.incoming(seller, chat_id=chat_id, type="voice", voice_id="voice-1")
        await avito.http.post(seller.v1(f"/chats/{chat_id}/messages/{sent['id']}"),
                              headers=seller.headers)
        await avito.http.post(f"/messenger/v2/accounts/{seller.user_id}/blacklist",
                              headers=seller.headers, json={"users": [{"user_id": 555000111}]})
        await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}",
                       json={"messenger_access": False})
        account = (await avito.control("/accounts"))["accounts"][0]
        chat = await avito.control(f"/accounts/{seller.user_id}/chats/{chat_id}")
        blacklist = await avito.control(f"/accounts/{seller.user_id}/blacklist")

    async with serving(state_file=path) as avito:
        assert (await avito.control("/accounts"))["accounts"][0] == account
        restored = await avito.control(f"/accounts/{seller.user_id}/chats/{chat_id}")
        # The listing's picture is served by the emulator, now on another port.
        assert _picture(restored).startswith(str(avito.http.base_url))
        assert _without_picture(restored) == _without_picture(chat)
        assert [m["type"] for m in chat["messages"]] == ["text", "deleted", "text", "voice"]
        assert chat["messages"][2]["quote"]["type"] == "deleted"
        assert await avito.control(f"/accounts/{seller.user_id}/blacklist") == blacklist
        assert (await avito.control("/apps"))["apps"] == [app]
        refreshed = await avito.http.post("/token", data={
            "grant_type": "refresh_token", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "refresh_token": tokens["refresh_token"]})
        assert refreshed.status_code == 200, refreshed.text
        await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}",
                       json={"messenger_access": True})
        headers = bearer(refreshed.json()["access_token"])
        voices = await avito.http.get(seller.v1("/getVoiceFiles"), headers=headers,
                                      params={"voice_ids": "voice-1"})
        assert set(voices.json()["voices_urls"]) == {"voice-1"}
        refused = await avito.http.post(f"/_emulator/accounts/{seller.user_id}/incoming",
                                        json={"chat_id": chat_id, "text": "ау"})
        assert refused.status_code == 409


def version_1_file() -> dict[str, Any]:
    """What the first emulator release saved: one account, one chat, an unread message."""
    message = {"id": "a" * 32, "author_id": 555000111, "created": 1_700_000_000,
               "type": "text", "content": {"text": "Ещё продаётся?"}, "read_at": None}
    chat = {"id": "u2i-" + "B" * 22, "type": "u2i",
            "buyer": {"id": 555000111, "name": "Иван", "profile_hash": "c" * 32},
            "item_id": 4000000001, "created": 1_700_000_000, "updated": 1_700_000_000,
            "seq": 1, "messages": [message], "read_events": []}
    account = {"person": {"id": 111222333, "name": "Магазин", "profile_hash": "d" * 32},
               "client_id": "cid", "client_secret": "secret", "email": "s@example.com",
               "phone": "79000000000",
               "items": [{"id": 4000000001, "title": "Диван", "price": 15000,
                          "url": "https://www.avito.ru/moskva/tovary/4000000001"}],
               "subscriptions": ["https://hooks.example/x"],
               "sent": [], "chats": [chat]}
    return {"version": 1, "rng": random.Random(1).getstate(), "clock_offset": 0.0,
            "accounts": [account]}


async def test_version_1_files_still_load(tmp_path: Path) -> None:
    path = tmp_path / "avito.json"
    path.write_text(json.dumps(version_1_file()))
    async with serving(state_file=path) as avito:
        account = (await avito.control("/accounts"))["accounts"][0]
        assert account["messenger_access"] is True and account["items"][0]["status"] == "active"
        headers = bearer(await avito.token({"client_id": "cid", "client_secret": "secret"}))
        chats = (await avito.http.get("/messenger/v2/accounts/111222333/chats",
                                      headers=headers)).json()["chats"]
        assert chats[0]["context"]["value"]["price_string"] == "15 000 ₽"
        unread = await avito.http.get("/messenger/v2/accounts/111222333/chats",
                                      params={"unread_only": "true"}, headers=headers)
        assert [c["id"] for c in unread.json()["chats"]] == ["u2i-" + "B" * 22]
        items = await avito.http.get("/core/v1/items", headers=headers)
        assert [r["title"] for r in items.json()["resources"]] == ["Диван"]
        await avito.incoming(Seller(111222333, account, headers), text="ну?",
                             author_id=555000111)
    saved = json.loads(path.read_text())
    assert saved["version"] == 2 and len(saved["accounts"][0]["chats"][0]["messages"]) == 2


async def test_changes_are_saved_while_running(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(persistence, "SAVE_INTERVAL_S", 0.02)
    path = tmp_path / "state" / "avito.json"
    async with serving(state_file=path) as avito:
        account = await avito.account(client_id="cid", client_secret="secret")

        async def saved() -> bool:
            return path.exists() and "cid" in path.read_text()

        await eventually(saved)
        # As if the first one had been killed: a second emulator starts from the saved file.
        async with serving(state_file=path) as restarted:
            assert await restarted.token(account)
    assert list(path.parent.iterdir()) == [path]


@pytest.mark.parametrize("content", ["{not json", '{"version": 99, "accounts": []}'])
async def test_unreadable_state_file_is_set_aside(tmp_path: Path, content: str,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "avito.json"
    path.write_text(content)
    async with serving(state_file=path) as avito:
        assert (await avito.control("/accounts"))["accounts"] == []
        assert str(path) in caplog.text
        assert path.read_text() == content
        account = await avito.account()
    assert (tmp_path / "avito.json.corrupt").read_text() == content
    async with serving(state_file=path) as avito:
        assert [a["user_id"] for a in (await avito.control("/accounts"))["accounts"]] == [
            account["user_id"]]


async def test_ids_stay_unique_after_a_crash_between_saves(tmp_path: Path,
                                                           receiver: Receiver) -> None:
    """The state is saved every few seconds; a kill -9 in between restores an older id
    generator. Before: the restarted sandbox gave out the same message, chat and delivery ids
    again (and the platform's idempotent store dropped the new messages as repeats)."""
    path = tmp_path / "avito.json"
    async with serving(state_file=path) as avito:
        seller = await avito.seller(items=ITEMS)
        await avito.subscribe(seller, receiver.url)
        chat_id = (await avito.incoming(seller, text="Первое"))["chat_id"]
        persistence.StateFile(path).save(avito.emulator)  # the last save before the crash
        saved = path.read_bytes()
        before = [await avito.incoming(seller, chat_id=chat_id, text=f"после {n}")
                  for n in range(3)]
        before.append(await avito.incoming(seller, text="новый чат"))
    path.write_bytes(saved)  # killed: what was given out since the save is not on disk

    async with serving(state_file=path) as avito:
        after = [await avito.incoming(seller, chat_id=chat_id, text=f"снова {n}")
                 for n in range(3)]
        after.append(await avito.incoming(seller, text="другой новый чат"))
    assert not {i["message_id"] for i in before} & {i["message_id"] for i in after}
    assert before[-1]["chat_id"] != after[-1]["chat_id"]
    assert not {d for i in before for d in i["delivery_ids"]} & \
        {d for i in after for d in i["delivery_ids"]}

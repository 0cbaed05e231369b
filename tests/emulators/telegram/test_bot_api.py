"""The Bot API's envelope and its ways in: aiogram's getMe, the token and method checks, the
parameter encodings Telegram accepts."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramUnauthorizedError

from tests.emulators.telegram.helpers import Telegram, ok, refused


async def test_aiogram_get_me_shows_the_bot(telegram: Telegram) -> None:
    bot = await telegram.bot(username="shop_helper_bot", first_name="Магазин")
    me = await telegram.aiogram(bot).get_me()
    assert (me.id, me.is_bot, me.username, me.first_name) == (
        bot["id"], True, "shop_helper_bot", "Магазин")
    assert me.can_join_groups is True and me.can_read_all_group_messages is False
    assert bot["token"].startswith(f"{bot['id']}:")


async def test_an_unknown_token_is_401_and_aiogram_says_unauthorized(telegram: Telegram) -> None:
    bot = await telegram.bot()
    wrong = {**bot, "token": f"{bot['id']}:AAnotTheRightSecretAtAll0123456789xyz"}
    refused(await telegram.api(wrong, "getMe"), 401, "Unauthorized")
    with pytest.raises(TelegramUnauthorizedError):
        await telegram.aiogram(wrong).get_me()
    # Not a token at all: no such page, as Telegram answers.
    refused(await telegram.http.get("/botnot-a-token/getMe"), 404, "Not Found")


async def test_an_unknown_method_is_404_and_names_are_case_insensitive(telegram: Telegram) -> None:
    bot = await telegram.bot()
    refused(await telegram.api(bot, "getEverything"), 404, "Not Found")
    assert ok(await telegram.api(bot, "GETME"))["id"] == bot["id"]
    assert ok(await telegram.http.get(f"/bot{bot['token']}/getme"))["id"] == bot["id"]


async def test_empty_and_too_long_texts_are_400(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    refused(await telegram.api(bot, "sendMessage", chat_id=user["id"], text=""), 400,
            "Bad Request: message text is empty")
    refused(await telegram.api(bot, "sendMessage", chat_id=user["id"]), 400,
            "Bad Request: message text is empty")
    refused(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="я" * 4097), 400,
            "Bad Request: message is too long")
    assert ok(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="я" * 4096))


async def test_parameters_come_as_query_form_or_json(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    path = f"/bot{bot['token']}/sendMessage"
    keyboard = '{"inline_keyboard": [[{"text": "Да", "callback_data": "yes"}]]}'
    by_query = ok(await telegram.http.get(path, params={"chat_id": user["id"], "text": "a"}))
    by_form = ok(await telegram.http.post(path, data={"chat_id": str(user["id"]), "text": "b",
                                                      "reply_markup": keyboard}))
    by_json = ok(await telegram.http.post(path, json={"chat_id": user["id"], "text": "c"}))
    assert [m["text"] for m in (by_query, by_form, by_json)] == ["a", "b", "c"]
    assert by_form["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    assert [m["message_id"] for m in (by_query, by_form, by_json)] == [1, 2, 3]
    refused(await telegram.http.post(path, content=b"{nope", headers={
        "content-type": "application/json"}), 400, "Bad Request: can't parse JSON object")


async def test_chats_the_bot_cannot_reach(telegram: Telegram) -> None:
    bot = await telegram.bot()
    stranger = await telegram.user()
    refused(await telegram.api(bot, "sendMessage", chat_id=stranger["id"], text="hi"), 403,
            "Forbidden: bot can't initiate conversation with a user")
    refused(await telegram.api(bot, "sendMessage", chat_id=12345, text="hi"), 400,
            "Bad Request: chat not found")
    refused(await telegram.api(bot, "sendMessage", text="hi"), 400, "Bad Request: chat_id is empty")
    await telegram.start(bot, stranger)
    await telegram.ok("PUT", f"/bots/{bot['id']}/users/{stranger['id']}", json={"status": "blocked"})
    refused(await telegram.api(bot, "sendMessage", chat_id=stranger["id"], text="hi"), 403,
            "Forbidden: bot was blocked by the user")
    group = await telegram.chat(title="Без бота", members=[{"user_id": stranger["id"],
                                                             "status": "creator"}])
    refused(await telegram.api(bot, "sendMessage", chat_id=group["id"], text="hi"), 403,
            "Forbidden: bot is not a member of the supergroup chat")

"""Sending, editing and deleting through aiogram: HTML turned into entities (a tag Telegram
does not take refused), replies, inline keyboards and callback queries answered."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from tests.emulators.telegram.helpers import Telegram, ok, refused

KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[
    InlineKeyboardButton(text="Взять", callback_data="take:42"),
    InlineKeyboardButton(text="Открыть", url="https://example.com/c/42")]])


async def test_html_becomes_text_and_entities(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    sent = await telegram.aiogram(bot).send_message(
        user["id"], '<b>Иван</b> — <a href="https://avito.ru/1">Диван</a>, 15&nbsp;000 &lt;₽&gt; 👍'
                    '<pre><code class="language-python">x = 1</code></pre>', parse_mode="HTML")
    assert sent.text == "Иван — Диван, 15&nbsp;000 <₽> 👍x = 1"
    entities = [(e.type, e.offset, e.length, e.url, e.language) for e in sent.entities or []]
    # Offsets count UTF-16 units: the emoji takes two.
    assert entities == [("bold", 0, 4, None, None),
                        ("text_link", 7, 5, "https://avito.ru/1", None),
                        ("pre", 32, 5, None, "python")]


@pytest.mark.parametrize(("text", "description"), [
    ("<b>жирный</b> <font>?</font>", 'Unsupported start tag "font" at byte offset 20'),
    ("<b>не закрыт", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ('<span class="red">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
])
async def test_html_telegram_does_not_take_is_refused(telegram: Telegram, text: str,
                                                      description: str) -> None:
    bot, user = await telegram.private_pair()
    refused(await telegram.api(bot, "sendMessage", chat_id=user["id"], text=text, parse_mode="HTML"),
            400, f"Bad Request: can't parse entities: {description}")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await telegram.aiogram(bot).send_message(user["id"], text, parse_mode="HTML")
    assert await telegram.sent(bot) == []


async def test_edit_and_delete_a_sent_message(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    client = telegram.aiogram(bot)
    sent = await client.send_message(user["id"], "Черновик", reply_markup=KEYBOARD)
    edited = await client.edit_message_text("<i>Готово</i>", chat_id=user["id"],
                                            message_id=sent.message_id, parse_mode="HTML")
    assert not isinstance(edited, bool)
    assert edited.text == "Готово" and edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without a keyboard removes it
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await client.edit_message_text("<i>Готово</i>", chat_id=user["id"],
                                       message_id=sent.message_id, parse_mode="HTML")
    await client.edit_message_reply_markup(chat_id=user["id"], message_id=sent.message_id,
                                           reply_markup=KEYBOARD)
    assert await client.delete_message(user["id"], sent.message_id) is True
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await client.edit_message_text("снова", chat_id=user["id"], message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await client.delete_message(user["id"], sent.message_id)
    [record] = await telegram.sent(bot)
    assert record["deleted"] is True
    assert [e["method"] for e in record["edits"]] == ["editMessageText", "editMessageReplyMarkup"]
    deleted = await telegram.ok("GET", f"/bots/{bot['id']}/deleted")
    assert deleted["deleted"][0]["message"]["text"] == "Готово"


async def test_a_user_message_may_be_deleted_but_not_edited(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    written = await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="ключ: s3cr3t")
    message_id = written["message"]["message_id"]
    refused(await telegram.api(bot, "editMessageText", chat_id=user["id"], message_id=message_id,
                               text="x"), 400, "Bad Request: message can't be edited")
    assert ok(await telegram.api(bot, "deleteMessage", chat_id=user["id"], message_id=message_id))


async def test_replies_carry_the_message_replied_to(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    question = await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="Сколько?")
    answer = await telegram.aiogram(bot).send_message(
        user["id"], "15 000 ₽",
        reply_parameters=ReplyParameters(message_id=question["message"]["message_id"]))
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "Сколько?"
    refused(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="?",
                               reply_to_message_id=999), 400,
            "Bad Request: message to be replied not found")
    assert ok(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="?",
                                 reply_parameters={"message_id": 999,
                                                   "allow_sending_without_reply": True}))


async def test_an_inline_button_press_is_a_callback_query_answered(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    client = telegram.aiogram(bot)
    sent = await client.send_message(user["id"], "Диалог #42", reply_markup=KEYBOARD)
    assert sent.reply_markup is not None
    assert sent.reply_markup.model_dump(exclude_none=True) == KEYBOARD.model_dump(exclude_none=True)
    pressed = await telegram.ok("POST", "/callback_queries", json={
        "bot_id": bot["id"], "from_user_id": user["id"], "message_id": sent.message_id,
        "data": "take:42"})
    [made] = pressed["updates"]
    query = made["update"]["callback_query"]
    assert query["data"] == "take:42" and query["from"]["id"] == user["id"]
    assert query["message"]["message_id"] == sent.message_id and query["chat_instance"]
    [update] = await client.get_updates()
    assert update.callback_query is not None and update.callback_query.id == query["id"]
    assert await client.answer_callback_query(query["id"], text="Взято") is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await client.answer_callback_query(query["id"])
    [recorded] = (await telegram.ok("GET", f"/bots/{bot['id']}/callbacks"))["callbacks"]
    assert recorded["answer"]["text"] == "Взято"
    # A button the message does not have cannot be pressed.
    response = await telegram.http.post("/_emulator/callback_queries", json={
        "bot_id": bot["id"], "from_user_id": user["id"], "message_id": sent.message_id,
        "data": "forged"})
    assert response.status_code == 409


async def test_bad_keyboards_are_refused(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    for markup, description in [
        ({"inline_keyboard": [[{"text": "x", "callback_data": "я" * 33}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "x"}]]},
         "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
        ({"inline_keyboard": [[{"text": "x", "url": "ftp://x"}]]}, "BUTTON_URL_INVALID"),
        ("not json", "can't parse reply keyboard markup JSON object"),
    ]:
        refused(await telegram.api(bot, "sendMessage", chat_id=user["id"], text="t",
                                   reply_markup=markup), 400, f"Bad Request: {description}")

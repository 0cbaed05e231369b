"""Forum topics: a bot with can_manage_topics creates and renames them and writes in them;
users' messages in a topic reach it; a chat without topics or a bot without the right is
refused."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest

from tests.emulators.telegram.helpers import Telegram, refused


async def forum(telegram: Telegram, **bot_rights: bool) -> tuple[dict[str, Any], ...]:
    bot, owner = await telegram.bot(), await telegram.user(first_name="Олег")
    chat = await telegram.chat(title="Магазин: диалоги", is_forum=True, members=[
        {"user_id": owner["id"], "status": "creator"},
        {"user_id": bot["id"], "status": "administrator", "rights": bot_rights}])
    return bot, owner, chat


async def test_topics_are_created_renamed_and_written_in(telegram: Telegram) -> None:
    bot, _, chat = await forum(telegram)
    client = telegram.aiogram(bot)
    topic = await client.create_forum_topic(chat["id"], "Иван · Диван", icon_color=0xFFD67E)
    assert (topic.name, topic.icon_color) == ("Иван · Диван", 0xFFD67E)
    card = await client.send_message(chat["id"], "<b>Карточка</b>", parse_mode="HTML",
                                     message_thread_id=topic.message_thread_id)
    assert card.message_thread_id == topic.message_thread_id and card.is_topic_message
    # In a topic, a message replying to nothing replies to the topic's first message.
    assert card.reply_to_message is not None
    assert card.reply_to_message.forum_topic_created is not None
    assert await client.edit_forum_topic(chat["id"], topic.message_thread_id, name="Иван · решён")
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await client.edit_forum_topic(chat["id"], topic.message_thread_id, name="Иван · решён")
    topics = await telegram.ok("GET", f"/chats/{chat['id']}/topics")
    assert [t["name"] for t in topics["topics"]] == ["Иван · решён"]
    in_topic = await telegram.sent(bot, chat_id=chat["id"],
                                   message_thread_id=topic.message_thread_id)
    assert [r["method"] for r in in_topic] == ["createForumTopic", "sendMessage", "editForumTopic"]
    assert in_topic[2]["message"]["forum_topic_edited"] == {"name": "Иван · решён"}


async def test_a_managers_reply_in_a_topic_reaches_the_bot(telegram: Telegram) -> None:
    bot, owner, chat = await forum(telegram)
    topic = await telegram.aiogram(bot).create_forum_topic(chat["id"], "Покупатель")
    written = await telegram.write(chat_id=chat["id"], from_user_id=owner["id"], text="Да, есть",
                                   message_thread_id=topic.message_thread_id)
    [made] = written["updates"]
    message = made["update"]["message"]
    assert made["bot_id"] == bot["id"]
    assert message["message_thread_id"] == topic.message_thread_id
    assert message["is_topic_message"] is True and message["chat"]["is_forum"] is True
    refused(await telegram.api(bot, "sendMessage", chat_id=chat["id"], text="?",
                               message_thread_id=999_999), 400,
            "Bad Request: message thread not found")


async def test_topics_need_a_forum_and_the_right(telegram: Telegram) -> None:
    bot, owner, chat = await forum(telegram, can_manage_topics=False)
    refused(await telegram.api(bot, "createForumTopic", chat_id=chat["id"], name="x"), 400,
            "Bad Request: not enough rights to create a topic")
    plain = await telegram.chat(title="Без тем", members=[
        {"user_id": owner["id"], "status": "creator"},
        {"user_id": bot["id"], "status": "administrator"}])
    refused(await telegram.api(bot, "createForumTopic", chat_id=plain["id"], name="x"), 400,
            "Bad Request: the chat is not a forum")
    member_bot = await telegram.bot()
    await telegram.ok("PUT", f"/chats/{chat['id']}/members/{member_bot['id']}",
                      json={"user_id": member_bot["id"], "status": "member"})
    refused(await telegram.api(member_bot, "createForumTopic", chat_id=chat["id"], name="x"), 400,
            "Bad Request: not enough rights to create a topic")

"""Managers answer buyers from the topics, driven like users (polling, the session's Telegram
emulator, the Avito emulator): a reply reaches the buyer once, the topic gets no echo of it and
shows its delivery (a 👍, or a reply with the reason); a photo arrives at Avito as an image;
people who are not linked are told how to link, once; the General topic is not a
conversation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from switchboard_sdk import Conversation, MessageStatus, SenderKind, Switchboard

from clients.telegram_bot import Store
from tests.clients.telegram_bot.conftest import new_buyer
from tests.clients.telegram_bot.inbound import Seat, seat
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


async def opened(s: Seat, buyer: str) -> int:
    """The buyer's topic once its card and first message are posted; its thread id."""
    async def ready() -> int | None:
        found = await s.telegram.ok("GET", f"/chats/{s.chat_id}/topics")
        mine = [t for t in found["topics"] if buyer in t["name"]]
        if not mine:
            return None
        thread = int(mine[0]["message_thread_id"])
        return thread if len(await bot_posts(s, thread)) >= 2 else None
    thread: int = await eventually(ready, within=30, interval=0.1)
    return thread


async def bot_posts(s: Seat, thread: int) -> list[dict[str, Any]]:
    sent = await s.telegram.sent(s.bot, chat_id=s.chat_id, message_thread_id=thread)
    return [r["message"] for r in sent if r["method"].startswith("send")]


async def reactions(s: Seat, thread: int, message_id: int) -> dict[str, Any]:
    return next(m["reactions"] for m in await s.group_posts(thread) if m["message_id"] == message_id)


async def delivered(s: Seat, thread: int, message_id: int) -> None:
    async def reacted() -> bool:
        return await reactions(s, thread, message_id) == {
            str(s.bot["id"]): [{"type": "emoji", "emoji": "👍"}]}
    await eventually(reacted, within=30, interval=0.1)


async def conversation_of(sb: Switchboard, buyer: str) -> Conversation:
    async for conversation in sb.iter_conversations():
        if conversation.contact and conversation.contact.name == buyer:
            return conversation
    raise AssertionError(f"no conversation with {buyer}")


async def test_a_reply_reaches_the_buyer_once_without_an_echo_and_shows_it_delivered(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    s = await seat(platform, seller, sb)
    async with s.running(store):
        await s.link(s.agent)
        chat = (await new_buyer(platform, shop, "Доставка в Тверь есть?", name="Пётр"))["chat_id"]
        thread = await opened(s, "Пётр")
        written = await s.write(s.agent, "Да, 300 ₽ через СДЭК", message_thread_id=thread)
        await delivered(s, thread, written["message_id"])

        assert [m["text"] for m in await platform.sent(shop) if m["chat_id"] == chat] == [
            "Да, 300 ₽ через СДЭК"]
        posts = await bot_posts(s, thread)  # the card and the buyer's message: no echo
        assert len(posts) == 2 and posts[1]["text"].endswith("Доставка в Тверь есть?")
        conversation = await conversation_of(sb, "Пётр")
        replies = [m async for m in sb.iter_messages(conversation.id) if m.sender == SenderKind.USER]
        assert [(m.text, m.status) for m in replies] == [("Да, 300 ₽ через СДЭК", MessageStatus.SENT)]


async def test_a_photo_reply_arrives_at_avito_as_an_image_after_its_caption(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    s = await seat(platform, seller, sb)
    async with s.running(store):
        await s.link(s.owner)
        chat = (await new_buyer(platform, shop, "Покажите фото?", name="Римма"))["chat_id"]
        thread = await opened(s, "Римма")
        written = await s.write(s.owner, photo={}, caption="Вот он", message_thread_id=thread)
        await delivered(s, thread, written["message_id"])
        resp = await platform.emulator.get(f"/_emulator/accounts/{shop.user_id}/chats/{chat}")
        ours = [m for m in resp.raise_for_status().json()["messages"]
                if m["author_id"] == shop.user_id]
        assert [m["type"] for m in ours] == ["text", "image"]
        assert ours[0]["content"]["text"] == "Вот он"
        assert len(await bot_posts(s, thread)) == 2


async def test_a_reply_the_channel_cannot_deliver_gets_a_reply_with_the_reason(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    s = await seat(platform, seller, sb)
    async with s.running(store):
        await s.link(s.agent)
        chat = (await new_buyer(platform, shop, "Ответите?", name="Савва"))["chat_id"]
        thread = await opened(s, "Савва")
        await sb.disconnect_channel(shop.channel["id"])  # the channel refuses every send now
        written = await s.write(s.agent, "Не дойдёт", message_thread_id=thread)

        async def answered() -> dict[str, Any] | None:
            found = [p for p in await bot_posts(s, thread)
                     if (p.get("reply_to_message") or {}).get("message_id") == written["message_id"]]
            return found[0] if found else None
        reply = await eventually(answered, within=30, interval=0.1)
        assert reply["text"] == "⚠️ Не доставлено покупателю: the channel is disconnected"
        assert await reactions(s, thread, written["message_id"]) == {}
        assert [m for m in await platform.sent(shop) if m["chat_id"] == chat] == []
        assert len(await bot_posts(s, thread)) == 3  # the card, the buyer's message, the reply


async def test_people_not_linked_are_told_once_and_the_general_topic_is_no_conversation(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    s = await seat(platform, seller, sb)
    async with s.running(store):
        await s.link(s.agent)
        chat = (await new_buyer(platform, shop, "Алло?", name="Тимур"))["chat_id"]
        thread = await opened(s, "Тимур")
        first = await s.write(s.stranger, "Я тоже отвечу", message_thread_id=thread)
        await s.write(s.stranger, "И ещё раз", message_thread_id=thread)
        await s.write(s.agent, "В общий чат, не покупателю")  # the General topic
        last = await s.write(s.agent, "Здравствуйте, Тимур!", message_thread_id=thread)
        await delivered(s, thread, last["message_id"])  # every earlier update was handled

        assert [m["text"] for m in await platform.sent(shop) if m["chat_id"] == chat] == [
            "Здравствуйте, Тимур!"]
        hints = [p for p in await bot_posts(s, thread) if "/start КОД" in p.get("text", "")]
        assert len(hints) == 1 and hints[0]["reply_to_message"]["message_id"] == first["message_id"]
        assert hints[0]["text"].startswith("Сообщение не отправлено покупателю.")
        general = await s.telegram.sent(s.bot, chat_id=s.chat_id)
        assert all(r["message_thread_id"] is not None for r in general)  # nothing said in General


async def test_a_refusal_of_the_platform_is_answered_with_what_to_do(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    s = await seat(platform, seller, sb)
    async with s.running(store):
        await s.link(s.agent)
        await new_buyer(platform, shop, "Есть размер M?", name="Яна")
        thread = await opened(s, "Яна")
    made = await seller.http.post("/v1/api-keys", json={"name": "read only", "scopes": ["read"]})
    assert made.status_code == 201, made.text
    # A key that may read but not look people up nor send: every step is refused by the API.
    async with s.running(store, dataclasses.replace(s.config, api_key=made.json()["key"])):
        written = await s.write(s.agent, "Есть", message_thread_id=thread)

        async def answered() -> dict[str, Any] | None:
            found = [p for p in await bot_posts(s, thread)
                     if (p.get("reply_to_message") or {}).get("message_id") == written["message_id"]]
            return found[0] if found else None
        reply = await eventually(answered, within=30, interval=0.1)
    assert reply["text"].startswith("⚠️ Не получилось:")
    assert reply["text"].endswith("У ключа бота нет прав на это: зарегистрируйте бота заново "
                                  "(владелец аккаунта).")
    chat = (await conversation_of(sb, "Яна")).external_chat_id
    assert [m for m in await platform.sent(shop) if m["chat_id"] == chat] == []

"""The telegram-bot component on the real platform, driven like sellers, managers and buyers: a
seller registers a bot and links its group through REST, and from then on every conversation is
a topic of that group, and a linked manager's reply typed in a topic (Telegram's webhook, the
gateway, the durable, the component) reaches the buyer on Avito; the component picks bots up
(and drops them) from the registry at run time, a restart loses and repeats nothing, and two
tenants' bots see only their own."""

from __future__ import annotations

import pytest

from switchboard.credentials import Credentials
from tests.clients.telegram_bot.conftest import new_buyer
from tests.e2e.telegram_bot import bot_component, following, seller_bot, status
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform

pytestmark = pytest.mark.slow


async def test_a_bot_registered_and_linked_through_rest_opens_a_topic_per_conversation(
        platform: RunningPlatform, credentials: Credentials) -> None:
    seller = await platform.new_tenant("Telegram shop")
    shop = await platform.connect_sandbox_shop(seller)
    async with bot_component(platform, credentials) as component:
        linked = await seller_bot(platform, seller, "Магазин: диалоги")
        await following(component, linked.bot_id)  # read from the registry at run time
        await new_buyer(platform, shop, "Здравствуйте! Велосипед ещё продаётся?", name="Пётр")
        topic = await linked.topic("Пётр", "Велосипед")
        card, first = await linked.texts_until(topic["message_thread_id"],
                                               "Велосипед ещё продаётся?")
        assert card.startswith("📋") and "Sandbox shop" in card
        assert first.startswith("📩")
        assert await linked.chats_posted_to() == {linked.chat_id}

        # Removed through REST: the component stops the bot at its next read of the registry.
        assert (await seller.http.delete(f"/v1/telegram/bots/{linked.bot_id}")).status_code == 204
        await eventually(lambda: _gone(component, linked.bot_id), within=10)


async def _gone(component: object, bot_id: str) -> bool:
    return status(component, bot_id) is None  # type: ignore[arg-type]


async def test_a_linked_managers_reply_typed_in_the_topic_reaches_the_buyer_on_avito(
        platform: RunningPlatform, credentials: Credentials) -> None:
    """Telegram's webhook all the way: the owner's /start and reply reach the gateway's route,
    the durable and the component's runner, which sends the reply through the public API."""
    seller = await platform.new_tenant("Replying shop")
    shop = await platform.connect_sandbox_shop(seller)
    async with bot_component(platform, credentials) as component:
        linked = await seller_bot(platform, seller, "Магазин")
        await following(component, linked.bot_id)
        await linked.link_owner()
        await new_buyer(platform, shop, "Диван можно забрать сегодня?", name="Марк", item=1)
        topic = await linked.topic("Марк")
        await linked.texts_until(topic["message_thread_id"], "Диван можно забрать сегодня?")
        reply = await linked.reply_in_topic(topic["message_thread_id"], "Да, до 20:00, ждём вас!")

        async def at_avito() -> bool:
            return any(s.get("text") == "Да, до 20:00, ждём вас!" for s in await platform.sent(shop))
        await eventually(at_avito, within=30, interval=0.2)
        # The topic shows it was delivered (a reaction on the manager's message).
        await eventually(lambda: linked.reactions(reply["message_id"]), within=30, interval=0.2)
    sent = [s for s in await platform.sent(shop) if s.get("text") == "Да, до 20:00, ждём вас!"]
    assert len(sent) == 1, sent


async def test_a_restart_of_the_component_loses_and_repeats_nothing(
        platform: RunningPlatform, credentials: Credentials) -> None:
    """What comes while the component is stopped — a buyer's message (live events) and a
    manager's reply (Telegram's webhook, kept in the durable) — is handled once after it starts
    again, and nothing handled before is repeated."""
    seller = await platform.new_tenant("Restarted shop")
    shop = await platform.connect_sandbox_shop(seller)
    chat = "u2i-restart-" + seller.tenant_id.hex[:10]
    async with bot_component(platform, credentials) as component:
        linked = await seller_bot(platform, seller, "Магазин")
        await following(component, linked.bot_id)
        await linked.link_owner()
        await new_buyer(platform, shop, "Первое сообщение", name="Инна", chat_id=chat)
        topic = await linked.topic("Инна")
        thread = topic["message_thread_id"]
        await linked.texts_until(thread, "Первое сообщение")
    # Stopped: the buyer goes on writing, and the manager answers in the topic.
    await new_buyer(platform, shop, "Второе, пока бот остановлен", name="Инна", chat_id=chat)
    reply = await linked.reply_in_topic(thread, "Ответ, пока бот остановлен")
    async with bot_component(platform, credentials) as component:
        await following(component, linked.bot_id)
        await new_buyer(platform, shop, "Третье, после перезапуска", name="Инна", chat_id=chat)
        # One chat's posts keep their order: once the third is there, so is all before it;
        # once the reply shows it was delivered, the window has seen the reply's message too.
        await linked.texts_until(thread, "Третье, после перезапуска")
        await eventually(lambda: linked.reactions(reply["message_id"]), within=30, interval=0.2)
        texts = await linked.texts_until(thread, "Третье, после перезапуска")
    wrote = ["Первое сообщение", "Второе, пока бот остановлен", "Третье, после перезапуска"]
    assert len(texts) == 1 + len(wrote), texts  # the card, then each message once, in order
    assert all(text.endswith(w) for text, w in zip(texts[1:], wrote, strict=True)), texts
    assert len(await linked.topics()) == 1
    answered = [s for s in await platform.sent(shop) if s.get("text") == "Ответ, пока бот остановлен"]
    assert len(answered) == 1, answered


async def test_two_tenants_bots_see_only_their_own_conversations(
        platform: RunningPlatform, credentials: Credentials) -> None:
    first, second = await platform.new_tenant("First shop"), await platform.new_tenant("Second shop")
    first_shop = await platform.connect_sandbox_shop(first)
    second_shop = await platform.connect_sandbox_shop(second)
    async with bot_component(platform, credentials) as component:
        first_bot = await seller_bot(platform, first, "Первый магазин")
        second_bot = await seller_bot(platform, second, "Второй магазин")
        for linked in (first_bot, second_bot):
            await following(component, linked.bot_id)
        await new_buyer(platform, first_shop, "Диван ещё есть?", name="Анна", item=1)
        await new_buyer(platform, second_shop, "Велосипед ещё есть?", name="Борис", item=0)
        first_topic = await first_bot.topic("Анна")
        second_topic = await second_bot.topic("Борис")
        await first_bot.texts_until(first_topic["message_thread_id"], "Диван ещё есть?")
        await second_bot.texts_until(second_topic["message_thread_id"], "Велосипед ещё есть?")
    # Each group has its own buyer's topic and nothing else (the names grow with the listing).
    assert [t["message_thread_id"] for t in await first_bot.topics()] == \
        [first_topic["message_thread_id"]]
    assert [t["message_thread_id"] for t in await second_bot.topics()] == \
        [second_topic["message_thread_id"]]
    assert await first_bot.chats_posted_to() == {first_bot.chat_id}
    assert await second_bot.chats_posted_to() == {second_bot.chat_id}

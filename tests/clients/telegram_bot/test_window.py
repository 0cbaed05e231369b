"""The single window, driven like users: buyers write on the Avito emulator, the AI and a
manager answer through the platform, and the seller's Telegram group (the emulator) shows a
topic per conversation with its card, then every message, marked, escaped and split."""

from __future__ import annotations

from typing import Any

import pytest
from switchboard_sdk import Conversation, Switchboard

from tests.clients.telegram_bot.conftest import Linked, link, new_buyer, running
from tests.e2e.test_agent import KAZAN_ANSWER, enable_agent
from tests.emulators.telegram.helpers import Telegram
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


async def test_a_buyers_first_message_opens_a_topic_with_the_card_then_the_message(
        platform: RunningPlatform, shop: SandboxShop, linked: Linked, store) -> None:
    async with running(store, [linked.config]):
        await new_buyer(platform, shop, "Здравствуйте! Велосипед ещё продаётся?", name="Пётр")
        topic = await linked.topic("Пётр", "Велосипед")
        card, first = await linked.texts(topic["message_thread_id"], 2)

        def complete(text: str) -> bool:
            return all(s in text for s in ("Sandbox shop", "Пётр", "Велосипед", "18\u00a0500\u00a0₽",
                                           "отвечает менеджер", "открыт"))
        async def card_now() -> str | None:  # the buyer's name and the listing come a moment later
            text = (await linked.posts(topic["message_thread_id"]))[0]["text"]
            return text if complete(text) else None
        card = await eventually(card_now, within=20, interval=0.1)
        assert card.startswith("📋") and "avito" in str(
            (await linked.posts(topic["message_thread_id"]))[0].get("entities"))
        assert first.startswith("📩") and first.endswith("Здравствуйте! Велосипед ещё продаётся?")
        assert len(await linked.topics()) == 1


async def test_three_buyers_of_one_listing_get_three_topics_each_with_the_listing(
        platform: RunningPlatform, shop: SandboxShop, linked: Linked, store) -> None:
    async with running(store, [linked.config]):
        for name in ("Анна", "Борис", "Вера"):
            await new_buyer(platform, shop, f"{name}: диван в наличии?", name=name, item=1)
        for name in ("Анна", "Борис", "Вера"):
            thread = (await linked.topic(name, "Диван"))["message_thread_id"]

            async def card_with_listing(thread: int = thread) -> list[str] | None:  # edited after the rename
                texts = await linked.texts(thread, 2)
                return texts if "Диван" in texts[0] else None
            texts = await eventually(card_with_listing, within=20, interval=0.1)
            assert texts[1].endswith(f"{name}: диван в наличии?")
        assert len(await linked.topics()) == 3


async def test_ai_and_manager_replies_are_marked_and_a_handoff_is_visible(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, linked: Linked,
        store) -> None:
    await enable_agent(seller, shop)
    async with running(store, [linked.config]), \
            Switchboard(platform.gateway_url, api_key=seller.api_key) as sb:
        await new_buyer(platform, shop, "а доставка в Казань есть?", name="Глеб")
        topic = await linked.topic("Глеб")
        thread = topic["message_thread_id"]
        texts = await linked.texts(thread, 3, within=40)
        assert texts[2].startswith("🤖 ИИ-ассистент") and KAZAN_ANSWER in texts[2]

        await platform.buyer_writes(shop, "Можно живого оператора?",
                                    chat_id=(await _conversation(sb, "Глеб")).external_chat_id)
        async def handed_over() -> list[str] | None:
            texts = await linked.texts(thread, 4)
            return texts if any(t.startswith("🔔 Нужен менеджер") for t in texts) else None
        texts = await eventually(handed_over, within=40)
        assert "Можно живого оператора?" in texts[3]
        assert any(t.startswith("📝 Заметка (ИИ") for t in texts[4:])  # the agent's note

        async def card_marked() -> bool:
            return "Нужен менеджер" in (await linked.posts(thread))[0]["text"]
        await eventually(card_marked, within=20)

        await sb.send_message((await _conversation(sb, "Глеб")).id, "Здравствуйте, я менеджер")
        async def manager_posted() -> list[str] | None:
            texts = await linked.texts(thread, 1)
            return texts if texts[-1].startswith("👤 Менеджер") else None
        texts = await eventually(manager_posted, within=20)  # after the managers' mention
        assert texts[-1].endswith("Здравствуйте, я менеджер") and any(t.startswith("🙋") for t in texts)
        assert not any("🤖" in t for t in texts[3:])  # after the handoff the AI stays quiet


async def test_a_long_text_is_split_and_a_buyers_html_is_escaped(
        platform: RunningPlatform, shop: SandboxShop, linked: Linked, store) -> None:
    html = "<b>не жирный</b> & <script>alert(1)</script>"
    paragraph = "Очень длинный вопрос про доставку и оплату, и ещё про гарантию. " * 30
    text = f"{html}\n\n" + "\n\n".join([paragraph] * 5)
    async with running(store, [linked.config]):
        await new_buyer(platform, shop, text, name="Дина")
        thread = (await linked.topic("Дина"))["message_thread_id"]

        async def every_part() -> list[dict[str, Any]] | None:
            posts = (await linked.posts(thread))[1:]  # after the card
            if not posts:
                return None
            count = int(posts[0]["text"].partition("\n")[0].rsplit("/", 1)[1].rstrip(")"))
            return posts if len(posts) >= count else None
        posts = await eventually(every_part, within=30)
        headers = [p["text"].partition("\n")[0] for p in posts]
        assert len(posts) >= 3 and len(posts) == len(await linked.posts(thread)) - 1
        assert [h.rsplit("(", 1)[1] for h in headers] == [
            f"{n}/{len(posts)})" for n in range(1, len(posts) + 1)]
        bodies = [p["text"].partition("\n")[2] for p in posts]
        assert bodies[0].startswith(html)  # as written: no tag of the buyer's became formatting
        assert " ".join(" ".join(bodies).split()) == " ".join(text.split())
        bold = [e for e in posts[0].get("entities", []) if e["type"] == "bold"]
        assert all(e["offset"] < len(headers[0]) for e in bold)


async def test_two_tenants_bots_never_see_each_others_conversations(
        platform: RunningPlatform, telegram: Telegram, shop: SandboxShop, linked: Linked,
        store) -> None:
    other = await platform.new_tenant("Other seller")
    other_shop = await platform.connect_sandbox_shop(other, "Other shop")
    other_linked = await link(platform, telegram, other)
    async with running(store, [linked.config, other_linked.config]):
        await new_buyer(platform, shop, "Мой вопрос", name="Евгений")
        await new_buyer(platform, other_shop, "Чужой вопрос", name="Жанна")
        mine = await linked.topic("Евгений", "Велосипед")  # its final name
        theirs = await other_linked.topic("Жанна", "Велосипед")
        assert (await linked.texts(mine["message_thread_id"], 2))[1].endswith("Мой вопрос")
        assert (await other_linked.texts(theirs["message_thread_id"], 2))[1].endswith("Чужой вопрос")
        assert [t["name"] for t in await linked.topics()] == [mine["name"]]
        assert [t["name"] for t in await other_linked.topics()] == [theirs["name"]]
        for posted in (await telegram.sent(linked.bot)):
            assert "Чужой" not in str(posted["message"]) and "Жанна" not in str(posted["message"])


async def _conversation(sb: Switchboard, buyer: str) -> Conversation:
    async for conversation in sb.iter_conversations():
        if conversation.contact and conversation.contact.name == buyer:
            return conversation
    raise AssertionError(f"no conversation with {buyer}")

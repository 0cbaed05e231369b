"""The card's buttons, pressed like users (polling, the session's Telegram emulator): take over,
return to AI, resolve, reopen, mark read switch the conversation (REST shows it) and the card
follows with its buttons; people not linked are refused; another tenant's bot can do nothing
with this tenant's conversations, even with forged callback data."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from switchboard_sdk import ConversationMode, ConversationStatus, NotFound, Switchboard

from clients.telegram_bot import Runner, Store
from tests.clients.telegram_bot.conftest import new_buyer
from tests.clients.telegram_bot.inbound import PACED, Seat, seat
from tests.clients.telegram_bot.test_topic_replies import bot_posts, conversation_of, opened
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


def buttons(card: dict[str, Any]) -> dict[str, str]:
    return {b["text"]: b["callback_data"]
            for row in card.get("reply_markup", {}).get("inline_keyboard", []) for b in row}


async def card_showing(s: Seat, thread: int, *words: str) -> dict[str, Any]:
    """The topic's card once its text has all these words (it is edited after each change)."""
    async def shown() -> dict[str, Any] | None:
        card = (await bot_posts(s, thread))[0]
        return card if all(w in card["text"] for w in words) else None
    card: dict[str, Any] = await eventually(shown, within=30, interval=0.1)
    return card


async def test_buttons_switch_mode_and_status_and_the_card_follows(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    s = await seat(platform, seller, sb)
    async with s.running(store):
        await s.link(s.agent)
        await new_buyer(platform, shop, "Скидку дадите?", name="Ульяна")
        thread = await opened(s, "Ульяна")
        conversation = await conversation_of(sb, "Ульяна")
        card = (await bot_posts(s, thread))[0]
        assert len(next(iter(buttons(card).values())).encode()) <= 64

        async def press(label: str, card: dict[str, Any], person: Any = None) -> dict[str, Any]:
            query = await s.press(person or s.agent, card["message_id"], buttons(card)[label])
            return await s.answer(query)

        assert (await press("👤 Взять себе", card))["text"].startswith("Диалог ваш")
        taken = await sb.conversation(conversation.id)
        assert taken.mode == ConversationMode.MANAGER and taken.assignee_user_id == s.agent.user_id
        card = await card_showing(s, thread, "отвечает менеджер", "Ответственный: Мария")
        assert "🤖 Вернуть ИИ" in buttons(card)

        assert (await press("🤖 Вернуть ИИ", card))["text"] == "Диалог вернули ИИ."
        assert (await sb.conversation(conversation.id)).mode == ConversationMode.BOT
        card = await card_showing(s, thread, "отвечает ИИ")
        assert "🤖 Вернуть ИИ" not in buttons(card)

        await press("✅ Решён", card)
        assert (await sb.conversation(conversation.id)).status == ConversationStatus.RESOLVED
        card = await card_showing(s, thread, "решён")
        assert "✅ Решён" not in buttons(card)

        refused = await press("↩️ Открыть снова", card, s.stranger)
        assert refused["show_alert"] is True and "/start КОД" in refused["text"]
        assert (await sb.conversation(conversation.id)).status == ConversationStatus.RESOLVED

        await press("↩️ Открыть снова", card)
        assert (await sb.conversation(conversation.id)).status == ConversationStatus.OPEN
        card = await card_showing(s, thread, "открыт")

        assert (await sb.conversation(conversation.id)).unread_count > 0
        assert (await press("👁 Прочитано", card))["text"] == "Отмечено прочитанным."
        assert (await sb.conversation(conversation.id)).unread_count == 0


async def test_another_tenants_bot_can_do_nothing_with_these_conversations(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    s = await seat(platform, seller, sb)
    other = await platform.new_tenant("Other seller")
    async with Switchboard(platform.gateway_url, api_key=other.api_key) as other_sb:
        theirs = await seat(platform, other, other_sb)
        async with s.running(store):
            await new_buyer(platform, shop, "Мой вопрос", name="Эльвира")
            thread = await opened(s, "Эльвира")
        conversation = await conversation_of(sb, "Эльвира")
        card = (await bot_posts(s, thread))[0]

        # Their bot given a forged press of this tenant's card, in its own group and in ours.
        webhook = dataclasses.replace(theirs.config, delivery="webhook")
        runner = Runner([webhook], store, PACED, stop_grace_s=5)
        await runner.start()
        try:
            for chat_id in (theirs.chat_id, s.chat_id):
                for act in ("resolve", "ai"):
                    await runner.handle_update(webhook.bot_id, _press(
                        theirs, chat_id, card["message_id"], f"cv:{act}:{conversation.id}"))
        finally:
            await runner.stop()
        after = await sb.conversation(conversation.id)
        assert (after.status, after.mode) == (conversation.status, conversation.mode)
        with pytest.raises(NotFound):  # nor with its key directly
            await other_sb.update_conversation(conversation.id, status=ConversationStatus.RESOLVED)
        assert theirs.config.api_key != s.config.api_key


def _press(s: Seat, chat_id: int, message_id: int, data: str) -> bytes:
    """A raw callback_query update as Telegram would post it."""
    person = s.owner.tg
    return json.dumps({"update_id": 910_000_000 + message_id, "callback_query": {
        "id": f"forged-{message_id}-{data[-6:]}", "chat_instance": "1", "data": data,
        "from": {"id": person["id"], "is_bot": False, "first_name": person["first_name"]},
        "message": {"message_id": message_id, "date": 1_764_000_000, "text": "📋",
                    "chat": {"id": chat_id, "type": "supergroup", "title": "Группа"}}}},
        ensure_ascii=False).encode()

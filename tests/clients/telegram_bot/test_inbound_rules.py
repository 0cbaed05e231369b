"""The way back's rules that need no server: the card's buttons for each state (callback data
within Telegram's 64 bytes, read back as sent), button answers within Telegram's 200
characters, the people cache's time, and the delivery a bot config may name."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from switchboard_sdk import (
    Conversation,
    ConversationMode,
    ConversationStatus,
    LinkedUser,
    TelegramLink,
    UserRole,
)

from clients.telegram_bot import BotConfig, phrases
from clients.telegram_bot.group.buttons import CALLBACK_DATA_LIMIT, CardAct, CardAction, card_keyboard
from clients.telegram_bot.people import People, may_act, may_administer


@pytest.mark.parametrize(("mode", "status", "labels"), [
    (ConversationMode.BOT, ConversationStatus.OPEN,
     [["👤 Взять себе"], ["✅ Решён", "👁 Прочитано"]]),
    (ConversationMode.MANAGER, ConversationStatus.PENDING,
     [["👤 Взять себе", "🤖 Вернуть ИИ"], ["✅ Решён", "👁 Прочитано"]]),
    (ConversationMode.MANAGER, ConversationStatus.RESOLVED,
     [["👤 Взять себе", "🤖 Вернуть ИИ"], ["↩️ Открыть снова", "👁 Прочитано"]]),
])
def test_the_card_offers_what_the_state_allows_within_64_bytes(
        mode: ConversationMode, status: ConversationStatus, labels: list[list[str]]) -> None:
    conversation = Conversation(id=str(uuid.uuid4()), channel_id="c", mode=mode, status=status)
    keyboard = card_keyboard(conversation)
    assert [[label for label, _ in row] for row in keyboard] == labels
    for row in keyboard:
        for _, data in row:
            assert len(data.encode()) <= CALLBACK_DATA_LIMIT
            action = CardAction.unpack(data)
            assert action.conv == conversation.id and action.act in set(CardAct)


def _link(role: UserRole, active: bool = True) -> TelegramLink:
    return TelegramLink(1, LinkedUser("u", "u@example.com", "Имя " * 40, role, active))


def test_button_answers_fit_telegrams_200_characters() -> None:
    answers = [phrases.NOT_LINKED_ALERT, phrases.INACTIVE_ALERT, phrases.STALE_BUTTON,
               phrases.GROUP_LINKED_ALERT, phrases.only_admins(_link(UserRole.AGENT)),
               phrases.alert_text("x" * 500)]
    assert all(0 < len(text) <= 200 for text in answers)
    for text in (phrases.NOT_A_SUPERGROUP, phrases.NO_TOPICS, phrases.NOT_ADMIN,
                 phrases.NO_TOPIC_RIGHT):  # said again as an alert when the group changed since
        assert len(phrases.alert_text(text.replace("/link ещё раз", "/link"))) <= 200


def test_who_may_do_what() -> None:
    assert may_administer(_link(UserRole.OWNER)) and may_administer(_link(UserRole.ADMIN))
    assert may_act(_link(UserRole.AGENT)) and not may_administer(_link(UserRole.AGENT))
    assert not may_act(_link(UserRole.OWNER, active=False))
    assert not may_administer(_link(UserRole.OWNER, active=False))
    assert not may_act(None) and not may_administer(None)


class _Links:
    def __init__(self) -> None:
        self.asked = 0

    async def telegram_link(self, telegram_user_id: int) -> TelegramLink | None:
        self.asked += 1
        return _link(UserRole.AGENT) if telegram_user_id == 1 else None


async def test_people_are_asked_again_only_after_the_cache_time() -> None:
    now = [0.0]
    links = _Links()
    people = People(links, ttl_s=30, clock=lambda: now[0])  # type: ignore[arg-type]
    assert (await people.who(1)) is not None and await people.who(2) is None
    now[0] = 29.9
    await people.who(1)
    await people.who(2)
    assert links.asked == 2  # both answers cached, the "not linked" one too
    now[0] = 30.0
    await people.who(1)
    people.forget(2)
    await people.who(2)
    assert links.asked == 4


@pytest.mark.parametrize("delivery", ["webhook", "polling"])
def test_a_bot_is_fed_by_webhook_or_polls(delivery: str) -> None:
    assert _config(delivery=delivery).delivery == delivery


def test_any_other_delivery_is_refused() -> None:
    with pytest.raises(ValueError, match="delivery must be one of"):
        _config(delivery="WEBHOOK")


def _config(**changes: Any) -> BotConfig:
    return BotConfig(bot_id="b", tenant_id=str(uuid.uuid4()), token="1:x", api_key="k",
                     group_chat_id=None, api_base_url="http://127.0.0.1", **changes)

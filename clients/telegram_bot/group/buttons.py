"""The inline buttons the bot shows: on every card (take over, return to AI, resolve, reopen,
mark read) and under `/link` (confirm). Their callback data is aiogram's `CallbackData`,
packed within Telegram's 64 bytes: `cv:<action>:<conversation id>` (a uuid: 44 bytes) and
`gl:link`."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from switchboard_sdk import Conversation, ConversationMode, ConversationStatus

from clients.telegram_bot.render import Keyboard

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's bound on callback_data


class CardAct(StrEnum):
    TAKE = "take"        # manager mode, assigned to the one who pressed
    AI = "ai"            # back to the AI (bot mode)
    RESOLVE = "resolve"
    REOPEN = "reopen"
    READ = "read"        # the unread count to zero


class CardAction(CallbackData, prefix="cv"):
    act: CardAct
    conv: str


class GroupAct(StrEnum):
    LINK = "link"


class GroupAction(CallbackData, prefix="gl"):
    act: GroupAct


def card_keyboard(conversation: Conversation) -> Keyboard:
    """What may be done to the conversation as it stands; the card shows it on every post and
    every edit (an edit that does not give a keyboard again removes it)."""
    def button(label: str, act: CardAct) -> tuple[str, str]:
        return label, CardAction(act=act, conv=conversation.id).pack()

    first = [button("👤 Взять себе", CardAct.TAKE)]
    if conversation.mode == ConversationMode.MANAGER:
        first.append(button("🤖 Вернуть ИИ", CardAct.AI))
    second = [button("↩️ Открыть снова", CardAct.REOPEN)
              if conversation.status == ConversationStatus.RESOLVED
              else button("✅ Решён", CardAct.RESOLVE),
              button("👁 Прочитано", CardAct.READ)]
    return tuple(first), tuple(second)


def confirm_link_keyboard() -> Keyboard:
    return ((("✅ Подключить группу", GroupAction(act=GroupAct.LINK).pack()),),)

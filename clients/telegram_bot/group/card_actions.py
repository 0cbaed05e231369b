"""The card's buttons pressed: take over (manager mode, assigned to the one who pressed), return
to AI, resolve, reopen, mark read. Each press is checked (the button is on this conversation's
card in the linked group; the person is linked and active), done through the SDK with the
bot's key, and answered with what happened or why not. The card itself changes through the
window (conversation.updated), with its buttons."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.types import CallbackQuery
from switchboard_sdk import (
    ConversationMode,
    ConversationStatus,
    Switchboard,
    SwitchboardError,
    TelegramLink,
)

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.errors import is_refusal
from clients.telegram_bot.group.buttons import CardAct, CardAction
from clients.telegram_bot.people import may_act

log = logging.getLogger("clients.telegram_bot")
router = Router(name="card buttons")
Act = Callable[[Switchboard, str, TelegramLink], Awaitable[object]]

ACTS: dict[CardAct, tuple[Act, str]] = {
    CardAct.TAKE: (lambda sb, conv, link: sb.update_conversation(
        conv, mode=ConversationMode.MANAGER, assignee_user_id=link.user.id),
        "Диалог ваш: ИИ молчит, отвечаете вы."),
    CardAct.AI: (lambda sb, conv, _: sb.update_conversation(conv, mode=ConversationMode.BOT),
                 "Диалог вернули ИИ."),
    CardAct.RESOLVE: (lambda sb, conv, _: sb.update_conversation(
        conv, status=ConversationStatus.RESOLVED), "Диалог отмечен решённым."),
    CardAct.REOPEN: (lambda sb, conv, _: sb.update_conversation(
        conv, status=ConversationStatus.OPEN), "Диалог снова открыт."),
    CardAct.READ: (lambda sb, conv, _: sb.mark_read(conv), "Отмечено прочитанным."),
}


@router.callback_query(CardAction.filter())
async def pressed(query: CallbackQuery, callback_data: CardAction, rt: BotRuntime) -> None:
    if not await _on_its_card(query, callback_data, rt):
        await rt.answer(query.id, phrases.STALE_BUTTON, alert=True)
        return
    link = await rt.people.who(query.from_user.id)
    if not may_act(link):
        why = phrases.NOT_LINKED_ALERT if link is None else phrases.INACTIVE_ALERT
        await rt.answer(query.id, why, alert=True)
        return
    assert link is not None
    act, done = ACTS[callback_data.act]
    try:
        await act(rt.sb, callback_data.conv, link)
    except SwitchboardError as error:
        if not is_refusal(error):
            raise  # the platform is unreachable: the press is delivered again
        await rt.answer(query.id, phrases.alert_text(f"Не получилось: {error.message}"),
                        alert=True)
        return
    log.info("telegram: card button", extra={"bot_id": rt.config.bot_id, "action": callback_data.act,
                                             "conversation_id": callback_data.conv})
    await rt.answer(query.id, done)


async def _on_its_card(query: CallbackQuery, data: CardAction, rt: BotRuntime) -> bool:
    """The button is on the card of that conversation's topic in the linked group (a button
    of another group, or a forged callback naming another conversation, does nothing)."""
    scope, message = rt.scope, query.message
    if scope is None or message is None or message.chat.id != scope.chat_id:
        return False
    topic = await rt.store.topic(scope, data.conv)
    return topic is not None and topic.card_message_id == message.message_id

"""The owner's console in a private chat: `/accounts` (each channel account with its state and
buttons: webhook on/off, sync now, AI on/off, disconnect with a confirmation; and "connect an
Avito account", the guided dialog of connect.py) and `/ai` (the agent on or off per account:
the channel's override of `enabled`). Reading is for any linked, active person; changing is
for an owner or admin. Everything goes through the SDK with the bot's key."""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from switchboard_sdk import (
    AgentSettingsChange,
    Channel,
    ChannelDiagnostics,
    ChannelKind,
    ChannelStatus,
    SwitchboardError,
    TelegramLink,
)

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.console import phrases as say
from clients.telegram_bot.errors import is_refusal
from clients.telegram_bot.people import may_act, may_administer, role_name
from clients.telegram_bot.render import Keyboard, escape

log = logging.getLogger("clients.telegram_bot")
router = Router(name="console accounts")
router.message.filter(F.chat.type == ChatType.PRIVATE)
router.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)
DIAGNOSIS_TIMEOUT_S = 20.0  # the diagnostics ask Avito; /accounts answers without them past it


class AccountAct(StrEnum):
    HOOK_ON = "hookon"
    HOOK_OFF = "hookoff"
    SYNC = "sync"
    AI_ON = "aion"
    AI_OFF = "aioff"
    DISCONNECT = "dc"
    DISCONNECT_YES = "dcyes"
    DISCONNECT_NO = "dcno"
    CONNECT = "new"  # starts the guided dialog (connect.py)


class AccountAction(CallbackData, prefix="ac"):
    act: AccountAct
    ch: str = ""
    lst: bool = False  # pressed on the /ai list (refresh the list, not one account)


def _button(label: str, act: AccountAct, channel_id: str = "", lst: bool = False) -> tuple[str, str]:
    return label, AccountAction(act=act, ch=channel_id, lst=lst).pack()


def account_keyboard(channel: Channel, ai_enabled: bool | None) -> Keyboard:
    if channel.status != ChannelStatus.ACTIVE:
        return ()
    ai = (_button("🤖 ИИ выкл", AccountAct.AI_OFF, channel.id) if ai_enabled
          else _button("🤖 ИИ вкл", AccountAct.AI_ON, channel.id))
    if channel.kind != ChannelKind.AVITO:  # a Telegram bot: no webhook switch, nothing to sync
        return ((ai, _button("✖️ Отключить", AccountAct.DISCONNECT, channel.id)),)
    hook = (_button("🔕 Вебхук выкл", AccountAct.HOOK_OFF, channel.id) if channel.webhook_enabled
            else _button("🔔 Вебхук вкл", AccountAct.HOOK_ON, channel.id))
    return ((hook, _button("🔄 Синхронизировать", AccountAct.SYNC, channel.id)),
            (ai, _button("✖️ Отключить", AccountAct.DISCONNECT, channel.id)))


async def ai_enabled(rt: BotRuntime, channel_id: str) -> bool:
    return (await rt.sb.agent_settings(channel_id)).effective.enabled


async def _diagnosis(rt: BotRuntime, channel: Channel) -> ChannelDiagnostics | None:
    if channel.status != ChannelStatus.ACTIVE:
        return None
    try:
        async with asyncio.timeout(DIAGNOSIS_TIMEOUT_S):
            return await rt.sb.channel_diagnostics(channel.id)
    except (TimeoutError, SwitchboardError) as exc:
        log.warning("telegram: no diagnosis for /accounts: %s", exc)
        return None


async def show_account(rt: BotRuntime, chat_id: int, channel: Channel,
                       message_id: int | None = None) -> None:
    """The account's text and buttons: a new message, or an edit of `message_id`."""
    enabled, diagnosis = await asyncio.gather(ai_enabled(rt, channel.id), _diagnosis(rt, channel))
    html, keyboard = say.account(channel, enabled, diagnosis), account_keyboard(channel, enabled)
    if message_id is None:
        await rt.say(chat_id, html, keyboard=keyboard)
    else:
        await rt.edit(chat_id, message_id, html, keyboard=keyboard)


async def reader(rt: BotRuntime, person_id: int, chat_id: int) -> TelegramLink | None:
    """The person's link when they may read the console; else they are told why and None."""
    link = await rt.people.who(person_id)
    if may_act(link):
        return link
    await rt.say(chat_id, phrases.INACTIVE if link is not None
                 else phrases.how_to_link(await rt.username()))
    return None


@router.message(Command("accounts"))
async def accounts_command(message: Message, rt: BotRuntime) -> None:
    assert message.from_user is not None
    link = await reader(rt, message.from_user.id, message.chat.id)
    if link is None:
        return
    channels = await rt.sb.channels()
    for channel in channels:
        await show_account(rt, message.chat.id, channel)
    if may_administer(link):
        await rt.say(message.chat.id, say.CONNECT_HINT if channels else say.NO_ACCOUNTS,
                     keyboard=((_button("➕ Подключить аккаунт Авито", AccountAct.CONNECT),),))
    elif not channels:
        await rt.say(message.chat.id, say.NO_ACCOUNTS)


async def ai_list(rt: BotRuntime) -> tuple[str, Keyboard]:
    channels = [c for c in await rt.sb.channels() if c.status == ChannelStatus.ACTIVE]
    states = await asyncio.gather(*(ai_enabled(rt, c.id) for c in channels))
    lines = [say.AI_TITLE] + [say.ai_line(c, on) for c, on in zip(channels, states, strict=True)]
    keyboard = tuple(
        (_button(f"{'Выключить' if on else 'Включить'}: {c.name[:40]}",
                 AccountAct.AI_OFF if on else AccountAct.AI_ON, c.id, lst=True),)
        for c, on in zip(channels, states, strict=True))
    return ("\n".join(lines) if channels else say.NO_ACCOUNTS), keyboard


@router.message(Command("ai"))
async def ai_command(message: Message, rt: BotRuntime) -> None:
    assert message.from_user is not None
    if await reader(rt, message.from_user.id, message.chat.id) is None:
        return
    html, keyboard = await ai_list(rt)
    await rt.say(message.chat.id, html, keyboard=keyboard)


ACT_DONE = {AccountAct.HOOK_ON: "Вебхук включён.", AccountAct.HOOK_OFF: "Вебхук выключен.",
            AccountAct.AI_ON: "ИИ включён для аккаунта.", AccountAct.AI_OFF: "ИИ выключен для аккаунта.",
            AccountAct.SYNC: say.SYNC_STARTED, AccountAct.DISCONNECT_YES: say.DISCONNECTED}


@router.callback_query(AccountAction.filter(F.act != AccountAct.CONNECT))
async def account_pressed(query: CallbackQuery, callback_data: AccountAction, rt: BotRuntime) -> None:
    link = await rt.people.who(query.from_user.id)
    if not may_administer(link):
        why = (phrases.NOT_LINKED_ALERT if link is None else phrases.INACTIVE_ALERT
               if not link.user.active else f"{say.ONLY_ADMINS} Ваша роль: {role_name(link)}.")
        await rt.answer(query.id, phrases.alert_text(why), alert=True)
        return
    assert query.message is not None
    chat_id, message_id, act = query.message.chat.id, query.message.message_id, callback_data.act
    try:
        channel = await _act(rt, act, callback_data.ch)
    except SwitchboardError as error:
        if not is_refusal(error):
            raise
        await rt.answer(query.id, phrases.alert_text(f"Не получилось: {error.message}"), alert=True)
        return
    if channel is None:
        await rt.answer(query.id, phrases.STALE_BUTTON, alert=True)
        return
    log.info("telegram: console action", extra={"bot_id": rt.config.bot_id, "action": act})
    await rt.answer(query.id, ACT_DONE.get(act, "Готово."))
    if callback_data.lst:
        html, keyboard = await ai_list(rt)
        await rt.edit(chat_id, message_id, html, keyboard=keyboard)
    elif act == AccountAct.DISCONNECT:
        await rt.edit(chat_id, message_id, say.DISCONNECT_ASK.format(name=escape(
            channel.name)), keyboard=((_button("Да, отключить", AccountAct.DISCONNECT_YES, channel.id),
                                       _button("Нет", AccountAct.DISCONNECT_NO, channel.id)),))
    else:
        await show_account(rt, chat_id, channel, message_id)


async def _act(rt: BotRuntime, act: AccountAct, channel_id: str) -> Channel | None:
    """Do what the button says; the channel as it is afterwards (None: no such channel)."""
    sb = rt.sb
    if act in (AccountAct.HOOK_ON, AccountAct.HOOK_OFF):
        return await sb.set_channel_webhook(channel_id, enabled=act == AccountAct.HOOK_ON)
    if act in (AccountAct.AI_ON, AccountAct.AI_OFF):
        await sb.update_agent_settings(AgentSettingsChange(enabled=act == AccountAct.AI_ON),
                                       channel_id=channel_id)
    elif act == AccountAct.SYNC:
        await sb.sync_channel(channel_id)
    elif act == AccountAct.DISCONNECT_YES:
        return await sb.disconnect_channel(channel_id)
    return await _channel(rt, channel_id)


async def _channel(rt: BotRuntime, channel_id: str) -> Channel | None:
    return next((c for c in await rt.sb.channels() if c.id == channel_id), None)

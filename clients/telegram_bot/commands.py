"""The command menus Telegram shows (setMyCommands), set when a bot starts: one list for
private chats (the console), another for groups."""

from __future__ import annotations

import logging

from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.sending.queue import Rejected, Unavailable

log = logging.getLogger("clients.telegram_bot")

PRIVATE = [("accounts", "аккаунты Авито: состояние, подключение, настройки"),
           ("ai", "ИИ по аккаунтам: включить или выключить"),
           ("reports", "расписания отчётов: список, новое, отправить сейчас"),
           ("report_now", "отчёт по всем аккаунтам сейчас"),
           ("cancel", "выйти из начатого диалога"),
           ("help", "что я умею для вашей роли"),
           ("start", "начать; /start КОД — связать Telegram с Switchboard")]
GROUP = [("stats", "отчёт по аккаунтам этого чата: /stats [вчера|сегодня|7|30|даты]"),
         ("link", "подключить эту группу (владелец или администратор)"),
         ("unlink", "отключить эту группу"),
         ("help", "справка")]


def _commands(pairs: list[tuple[str, str]]) -> list[BotCommand]:
    return [BotCommand(command=name, description=text) for name, text in pairs]


async def set_commands(rt: BotRuntime) -> None:
    """Both menus; a failure is logged (the bot works without a menu, set again next start)."""
    try:
        await rt.control(lambda: rt.bot.set_my_commands(
            _commands(PRIVATE), scope=BotCommandScopeAllPrivateChats()))
        await rt.control(lambda: rt.bot.set_my_commands(
            _commands(GROUP), scope=BotCommandScopeAllGroupChats()))
    except (Rejected, Unavailable) as exc:
        log.warning("telegram: the command menus of bot %s were not set: %s",
                    rt.config.bot_id, exc)

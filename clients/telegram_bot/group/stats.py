"""`/stats` in a group (seed 003): the combined report of every account bound to the chat,
posted where it was asked (the topic too).

A chat is bound to accounts by the tenant's schedules that deliver to it (their accounts; a
schedule of every account binds every account); the managers' group the bot is linked to is
bound to every account. Anyone in a bound chat may ask (the owner chose to send reports
there); an unbound chat is told how to bind it. The period: yesterday, or what follows the
command (`/stats 7`, `/stats месяц`, `/stats 2026-11-01 2026-11-30`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from switchboard_sdk import Period, ReportSpec, Schedule

from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.console import report_phrases as say
from clients.telegram_bot.console.report_send import post_report

router = Router(name="group stats")
router.message.filter(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))
_WORDS = {"": Period.YESTERDAY, "вчера": Period.YESTERDAY, "сегодня": Period.TODAY_SO_FAR,
          "7": Period.LAST_7_DAYS, "неделя": Period.PREVIOUS_WEEK, "30": Period.LAST_30_DAYS,
          "месяц": Period.PREVIOUS_MONTH, "today": Period.TODAY_SO_FAR,
          "yesterday": Period.YESTERDAY}
_DATE = r"(\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})"


@dataclass(frozen=True)
class StatsPeriod:
    relative: Period | None = None
    from_date: str | None = None
    to_date: str | None = None


def parse_period(args: str | None) -> StatsPeriod | None:
    """What follows `/stats`, or None when it is not a period this command knows."""
    text = (args or "").strip().lower()
    if text in _WORDS:
        return StatsPeriod(relative=_WORDS[text])
    dates = re.fullmatch(rf"{_DATE}(?:\s*(?:-|—|\s)\s*{_DATE})?", text)
    if dates is None:
        return None
    first, last = _iso(dates[1]), _iso(dates[2] or dates[1])
    if first is None or last is None:
        return None
    return StatsPeriod(from_date=first, to_date=last)


def _iso(text: str) -> str | None:
    """YYYY-MM-DD of a real day (written so or DD.MM.YYYY), else None."""
    if "." in text:
        day, month, year = text.split(".")
        text = f"{year}-{month}-{day}"
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def bound_accounts(schedules: list[Schedule], chat_id: int,
                   group_chat_id: int | None) -> list[str] | None:
    """The accounts bound to the chat: [] for every account, None when it is not bound."""
    if chat_id == group_chat_id:
        return []
    found: set[str] = set()
    bound = False
    for schedule in schedules:
        if schedule.destination.telegram_chat != chat_id:
            continue
        if not schedule.report.channel_ids:
            return []
        bound = True
        found.update(schedule.report.channel_ids)
    return sorted(found) if bound else None


@router.message(Command("stats"))
async def stats_command(message: Message, command: CommandObject, rt: BotRuntime) -> None:
    chat_id = message.chat.id
    thread = message.message_thread_id if message.is_topic_message else None
    period = parse_period(command.args)
    if period is None:
        await rt.say(chat_id, say.STATS_USAGE, reply_to=message.message_id, thread_id=thread)
        return
    accounts = bound_accounts(await rt.sb.schedules(), chat_id, rt.config.group_chat_id)
    if accounts is None:
        await rt.say(chat_id, say.STATS_UNBOUND, reply_to=message.message_id, thread_id=thread)
        return
    await post_report(rt, chat_id, ReportSpec(
        channel_ids=accounts or None, combined=True, metrics=list(say.QUICK_METRICS),
        relative=period.relative,
        from_date=period.from_date, to_date=period.to_date), thread_id=thread)

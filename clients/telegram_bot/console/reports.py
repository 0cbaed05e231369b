"""Reports in the owner's private chat: `/report_now` (a period, then the combined report of
every account with its chart, here) and `/reports` (each schedule with what, when and where,
and buttons: send now, on/off, delete with a confirmation; "new schedule" starts the guided
dialog of schedule_dialog.py). Reading is for any linked, active person; changing is for an
owner or admin. Everything goes through the SDK with the bot's key."""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from switchboard_sdk import Period, ReportSpec, Schedule, ScheduleSpec, SwitchboardError

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.console import report_phrases as say
from clients.telegram_bot.console.accounts import reader
from clients.telegram_bot.console.phrases import ONLY_ADMINS
from clients.telegram_bot.console.report_send import post_report
from clients.telegram_bot.errors import is_refusal
from clients.telegram_bot.people import may_administer
from clients.telegram_bot.render import Keyboard, escape

log = logging.getLogger("clients.telegram_bot")
router = Router(name="console reports")
router.message.filter(F.chat.type == ChatType.PRIVATE)
router.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)


class ReportNow(CallbackData, prefix="rn"):
    period: Period


class ScheduleAct(StrEnum):
    RUN = "run"
    ON = "on"
    OFF = "off"
    DELETE = "del"
    DELETE_YES = "dely"
    DELETE_NO = "deln"


class ScheduleAction(CallbackData, prefix="sc"):
    act: ScheduleAct
    id: str


class NewSchedule(CallbackData, prefix="sn"):
    """Starts the guided dialog (schedule_dialog.py)."""


def period_keyboard(data: type[CallbackData], **extra: str) -> Keyboard:
    """The periods a report may cover, two a row; `data(period=..., **extra)` on each."""
    buttons = [(label, data(period=period, **extra).pack())  # type: ignore[call-arg]
               for period, label in say.PERIODS.items()]
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


@router.message(Command("report_now"))
async def report_now_command(message: Message, rt: BotRuntime) -> None:
    assert message.from_user is not None
    if await reader(rt, message.from_user.id, message.chat.id) is not None:
        await rt.say(message.chat.id, say.PICK_PERIOD, keyboard=period_keyboard(ReportNow))


@router.callback_query(ReportNow.filter())
async def report_now_pressed(query: CallbackQuery, callback_data: ReportNow,
                             rt: BotRuntime) -> None:
    if await rt.people.who(query.from_user.id) is None:
        await rt.answer(query.id, phrases.NOT_LINKED_ALERT, alert=True)
        return
    assert query.message is not None
    await rt.answer(query.id, say.PREPARING)
    await post_report(rt, query.message.chat.id, ReportSpec(relative=callback_data.period,
                                                            metrics=list(say.QUICK_METRICS)))


def schedule_keyboard(schedule: Schedule) -> Keyboard:
    def button(label: str, act: ScheduleAct) -> tuple[str, str]:
        return label, ScheduleAction(act=act, id=schedule.id).pack()
    toggle = (button("⏸ Выключить", ScheduleAct.OFF) if schedule.enabled
              else button("▶️ Включить", ScheduleAct.ON))
    return ((button("📨 Отправить сейчас", ScheduleAct.RUN), toggle),
            (button("🗑 Удалить", ScheduleAct.DELETE),))


async def describe(rt: BotRuntime, schedule: Schedule, chat_id: int) -> str:
    channels, catalogue = await asyncio.gather(rt.sb.channels(), rt.sb.report_metrics())
    return say.schedule(schedule, channels, catalogue, chat_id, rt.config.group_chat_id)


@router.message(Command("reports"))
async def reports_command(message: Message, rt: BotRuntime) -> None:
    assert message.from_user is not None
    link = await reader(rt, message.from_user.id, message.chat.id)
    if link is None:
        return
    schedules, channels, catalogue = await asyncio.gather(
        rt.sb.schedules(), rt.sb.channels(), rt.sb.report_metrics())
    for schedule in schedules:
        await rt.say(message.chat.id, say.schedule(schedule, channels, catalogue, message.chat.id,
                                                   rt.config.group_chat_id),
                     keyboard=schedule_keyboard(schedule) if may_administer(link) else ())
    if may_administer(link):
        await rt.say(message.chat.id, say.NEW_HINT if schedules else
                     f"{say.NO_SCHEDULES} {say.NEW_HINT}",
                     keyboard=((("➕ Новое расписание", NewSchedule().pack()),),))
    elif not schedules:
        await rt.say(message.chat.id, say.NO_SCHEDULES)


@router.callback_query(ScheduleAction.filter())
async def schedule_pressed(query: CallbackQuery, callback_data: ScheduleAction,
                           rt: BotRuntime) -> None:
    if not may_administer(await rt.people.who(query.from_user.id)):
        await rt.answer(query.id, phrases.alert_text(ONLY_ADMINS), alert=True)
        return
    assert query.message is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id
    act, schedule_id = callback_data.act, callback_data.id
    try:
        schedule = await _act(rt, act, schedule_id)
    except SwitchboardError as error:
        if not is_refusal(error):
            raise
        await rt.answer(query.id, phrases.alert_text(f"Не получилось: {error.message}"), alert=True)
        return
    if schedule is None:
        await rt.answer(query.id, phrases.STALE_BUTTON, alert=True)
        return
    log.info("telegram: schedule action", extra={"bot_id": rt.config.bot_id, "action": act})
    if act == ScheduleAct.DELETE:
        await rt.answer(query.id, "Подтвердите")
        await rt.edit(chat_id, message_id, say.DELETE_ASK.format(name=escape(schedule.name)),
                      keyboard=((("Да, удалить", ScheduleAction(act=ScheduleAct.DELETE_YES,
                                                                id=schedule_id).pack()),
                                 ("Нет", ScheduleAction(act=ScheduleAct.DELETE_NO,
                                                        id=schedule_id).pack())),))
    elif act == ScheduleAct.DELETE_YES:
        await rt.answer(query.id, say.DELETED)
        await rt.edit(chat_id, message_id, say.DELETED)
    else:
        await rt.answer(query.id, say.QUEUED if act == ScheduleAct.RUN else "Готово.")
        await rt.edit(chat_id, message_id, await describe(rt, schedule, chat_id),
                      keyboard=schedule_keyboard(schedule))


async def _act(rt: BotRuntime, act: ScheduleAct, schedule_id: str) -> Schedule | None:
    """Do what the button says; the schedule as it is (None: no such schedule any more)."""
    schedule = await rt.sb.schedule(schedule_id)
    if schedule is None:
        return None
    if act in (ScheduleAct.ON, ScheduleAct.OFF):
        return await rt.sb.update_schedule(schedule_id, ScheduleSpec(enabled=act == ScheduleAct.ON))
    if act == ScheduleAct.RUN:
        await rt.sb.run_schedule_now(schedule_id)
        return await rt.sb.schedule(schedule_id) or schedule
    if act == ScheduleAct.DELETE_YES:
        await rt.sb.delete_schedule(schedule_id)
    return schedule

"""The guided dialog that creates a report schedule (aiogram FSM, its state in the runner's
store: a restart mid-dialog resumes it): accounts (toggles; none = every account) -> metrics
(toggles, the catalogue's defaults ticked) -> frequency (daily, every N days, weekdays, a day
of the month) -> time -> time zone -> the period each report covers -> where (this chat or
the managers' group) -> created through the API, which checks it all again and whose refusal
is told with what to fix. `/cancel` leaves it (console/connect.py)."""

from __future__ import annotations

import re
from typing import Any

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from switchboard_sdk import (
    ChannelStatus,
    Period,
    Recurrence,
    RecurrenceKind,
    ReportSpec,
    ScheduleDestination,
    ScheduleSpec,
    SwitchboardError,
)

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.console import report_phrases as say
from clients.telegram_bot.console.phrases import ONLY_ADMINS
from clients.telegram_bot.console.reports import NewSchedule, describe, schedule_keyboard
from clients.telegram_bot.errors import PLATFORM_TRANSIENT
from clients.telegram_bot.people import may_administer
from clients.telegram_bot.render import Keyboard, escape

router = Router(name="console schedule dialog")
router.message.filter(F.chat.type == ChatType.PRIVATE)
router.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)
_TEXT = F.text & ~F.text.startswith("/")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
NEXT = "next"
FREQUENCIES = ((RecurrenceKind.DAILY, "Каждый день"), (RecurrenceKind.EVERY_N_DAYS, "Раз в N дней"),
               (RecurrenceKind.WEEKLY, "По дням недели"), (RecurrenceKind.MONTHLY, "Раз в месяц"))


class NewReport(StatesGroup):
    accounts = State()
    metrics = State()
    frequency = State()
    every_n = State()
    weekdays = State()
    day = State()
    time = State()
    zone = State()
    period = State()
    destination = State()


class Step(CallbackData, prefix="sd"):
    step: str  # acc, met, freq, wd, zone, per, dest
    v: str = ""


def _b(label: str, step: str, value: str) -> tuple[str, str]:
    return label, Step(step=step, v=value).pack()


def _toggles(items: list[tuple[str, str]], chosen: list[str], step: str) -> Keyboard:
    rows = [(_b(("✅ " if key in chosen else "▫️ ") + label[:40], step, key),) for key, label in items]
    return (*rows, (_b("Дальше ▶", step, NEXT),))


async def _accounts_view(rt: BotRuntime, chosen: list[str]) -> Keyboard:
    items = [(c.id, c.name) for c in await rt.sb.channels() if c.status == ChannelStatus.ACTIVE]
    return _toggles(items, chosen, "acc")


async def _metrics_view(rt: BotRuntime, chosen: list[str]) -> Keyboard:
    return _toggles([(m.key, m.title or m.key) for m in await rt.sb.report_metrics()], chosen, "met")


def _weekdays_view(chosen: list[str]) -> Keyboard:
    return _toggles([(str(i + 1), name) for i, name in enumerate(say.WEEKDAYS)], chosen, "wd")


@router.callback_query(NewSchedule.filter())
async def start(query: CallbackQuery, state: FSMContext, rt: BotRuntime) -> None:
    if not may_administer(await rt.people.who(query.from_user.id)):
        await rt.answer(query.id, phrases.alert_text(ONLY_ADMINS), alert=True)
        return
    await state.clear()
    await state.set_state(NewReport.accounts)
    await state.update_data(accounts=[])
    await rt.answer(query.id, "Новое расписание")
    await rt.say(query.from_user.id, say.ASK_ACCOUNTS, keyboard=await _accounts_view(rt, []))


@router.callback_query(Step.filter(F.step.in_({"acc", "met", "wd"})))
async def toggled(query: CallbackQuery, callback_data: Step, state: FSMContext,
                  rt: BotRuntime) -> None:
    field = {"acc": "accounts", "met": "metrics", "wd": "weekdays"}[callback_data.step]
    expected = {"acc": NewReport.accounts, "met": NewReport.metrics, "wd": NewReport.weekdays}
    if await state.get_state() != expected[callback_data.step].state:
        await rt.answer(query.id, phrases.STALE_BUTTON, alert=True)
        return
    assert query.message is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id
    chosen: list[str] = list((await state.get_data()).get(field, []))
    if callback_data.v != NEXT:
        chosen = [c for c in chosen if c != callback_data.v] if callback_data.v in chosen \
            else [*chosen, callback_data.v]
        await state.update_data({field: chosen})
        view = (await _accounts_view(rt, chosen) if field == "accounts" else
                await _metrics_view(rt, chosen) if field == "metrics" else _weekdays_view(chosen))
        await rt.answer(query.id, "Отмечено" if callback_data.v in chosen else "Снято")
        question = {"accounts": say.ASK_ACCOUNTS, "metrics": say.ASK_METRICS}.get(field,
                                                                                 say.ASK_WEEKDAYS)
        await rt.edit(chat_id, message_id, question, keyboard=view)
        return
    await rt.answer(query.id, "Дальше")
    if field == "accounts":
        defaults = [m.key for m in await rt.sb.report_metrics() if m.default]
        await state.update_data(metrics=defaults)
        await state.set_state(NewReport.metrics)
        await rt.say(chat_id, say.ASK_METRICS, keyboard=await _metrics_view(rt, defaults))
    elif field == "metrics":
        await state.set_state(NewReport.frequency)
        await rt.say(chat_id, say.ASK_FREQUENCY, keyboard=tuple(
            (_b(label, "freq", kind.value),) for kind, label in FREQUENCIES))
    elif not chosen:
        await rt.say(chat_id, say.NO_WEEKDAYS)
    else:
        await _ask_time(rt, state, chat_id)


@router.callback_query(Step.filter(F.step == "freq"), NewReport.frequency)
async def frequency(query: CallbackQuery, callback_data: Step, state: FSMContext,
                    rt: BotRuntime) -> None:
    kind = RecurrenceKind(callback_data.v)
    await state.update_data(kind=kind.value)
    await rt.answer(query.id, "Принято")
    chat_id = query.from_user.id
    if kind == RecurrenceKind.EVERY_N_DAYS:
        await state.set_state(NewReport.every_n)
        await rt.say(chat_id, say.ASK_EVERY_N)
    elif kind == RecurrenceKind.WEEKLY:
        await state.update_data(weekdays=[])
        await state.set_state(NewReport.weekdays)
        await rt.say(chat_id, say.ASK_WEEKDAYS, keyboard=_weekdays_view([]))
    elif kind == RecurrenceKind.MONTHLY:
        await state.set_state(NewReport.day)
        await rt.say(chat_id, say.ASK_DAY)
    else:
        await _ask_time(rt, state, chat_id)


async def _ask_time(rt: BotRuntime, state: FSMContext, chat_id: int) -> None:
    await state.set_state(NewReport.time)
    await rt.say(chat_id, say.ASK_TIME)


def _number(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and low <= int(text) <= high else None


@router.message(NewReport.every_n, _TEXT)
async def got_every_n(message: Message, state: FSMContext, rt: BotRuntime) -> None:
    n = _number(message.text or "", 2, 365)
    if n is None:
        await rt.say(message.chat.id, say.BAD_NUMBER.format(low=2, high=365))
        return
    await state.update_data(n=n)
    await _ask_time(rt, state, message.chat.id)


@router.message(NewReport.day, _TEXT)
async def got_day(message: Message, state: FSMContext, rt: BotRuntime) -> None:
    day = _number(message.text or "", 1, 31)
    if day is None:
        await rt.say(message.chat.id, say.BAD_NUMBER.format(low=1, high=31))
        return
    await state.update_data(day=day)
    await _ask_time(rt, state, message.chat.id)


@router.message(NewReport.time, _TEXT)
async def got_time(message: Message, state: FSMContext, rt: BotRuntime) -> None:
    match = _TIME.match((message.text or "").strip())
    if match is None:
        await rt.say(message.chat.id, say.BAD_TIME)
        return
    await state.update_data(time=f"{int(match[1]):02d}:{match[2]}")
    await state.set_state(NewReport.zone)
    await rt.say(message.chat.id, say.ASK_ZONE,
                 keyboard=((_b(f"Москва ({say.DEFAULT_ZONE})", "zone", say.DEFAULT_ZONE),),))


async def _zone_chosen(rt: BotRuntime, state: FSMContext, chat_id: int, zone: str) -> None:
    await state.update_data(zone=zone)
    await state.set_state(NewReport.period)
    suggested = {RecurrenceKind.WEEKLY.value: Period.PREVIOUS_WEEK,
                 RecurrenceKind.MONTHLY.value: Period.PREVIOUS_MONTH}.get(
                     (await state.get_data()).get("kind", ""), Period.YESTERDAY)
    await rt.say(chat_id, say.ASK_PERIOD, keyboard=tuple(
        (_b(("👉 " if p == suggested else "") + label, "per", p.value),)
        for p, label in say.PERIODS.items()))


@router.message(NewReport.zone, _TEXT)
async def got_zone(message: Message, state: FSMContext, rt: BotRuntime) -> None:
    zone = (message.text or "").strip()
    if not re.fullmatch(r"[A-Za-z_]+(/[A-Za-z0-9_+\-]+){0,2}|UTC", zone):
        await rt.say(message.chat.id, say.BAD_ZONE)
        return
    await _zone_chosen(rt, state, message.chat.id, zone)  # the API checks the zone exists


@router.callback_query(Step.filter(F.step == "zone"), NewReport.zone)
async def zone_pressed(query: CallbackQuery, callback_data: Step, state: FSMContext,
                       rt: BotRuntime) -> None:
    await rt.answer(query.id, "Принято")
    await _zone_chosen(rt, state, query.from_user.id, callback_data.v)


@router.callback_query(Step.filter(F.step == "per"), NewReport.period)
async def period_pressed(query: CallbackQuery, callback_data: Step, state: FSMContext,
                         rt: BotRuntime) -> None:
    await state.update_data(period=Period(callback_data.v).value)
    await state.set_state(NewReport.destination)
    await rt.answer(query.id, "Принято")
    rows = [(_b("Сюда, в этот чат", "dest", "here"),)]
    if rt.config.group_chat_id is not None:
        rows.append((_b("В группу менеджеров", "dest", "group"),))
    await rt.say(query.from_user.id, say.ASK_DESTINATION, keyboard=tuple(rows))


@router.callback_query(Step.filter(F.step == "dest"), NewReport.destination)
async def destination_pressed(query: CallbackQuery, callback_data: Step, state: FSMContext,
                              rt: BotRuntime) -> None:
    if not may_administer(await rt.people.who(query.from_user.id)):
        await state.clear()
        await rt.answer(query.id, phrases.alert_text(ONLY_ADMINS), alert=True)
        return
    chat_id = query.from_user.id
    target = rt.config.group_chat_id if callback_data.v == "group" else chat_id
    if target is None:
        await rt.answer(query.id, phrases.STALE_BUTTON, alert=True)
        return
    await rt.answer(query.id, "Создаю…")
    try:
        created = await rt.sb.create_schedule(spec(await state.get_data(), target))
    except PLATFORM_TRANSIENT:
        await rt.say(chat_id, say.PRESS_AGAIN)
        return
    except SwitchboardError as refused:  # what to fix, in the API's words
        await state.clear()
        await rt.say(chat_id, f"⚠️ Расписание не создано: «{escape(refused.message)}». "
                              "Начните заново: /reports.")
        return
    await state.clear()
    await rt.say(chat_id, "✅ Расписание создано.\n\n" + await describe(rt, created, chat_id),
                 keyboard=schedule_keyboard(created))


def spec(data: dict[str, Any], chat_id: int) -> ScheduleSpec:
    """The schedule the dialog's answers describe."""
    kind = RecurrenceKind(data["kind"])
    recurrence = Recurrence(
        kind, n=data.get("n") if kind == RecurrenceKind.EVERY_N_DAYS else None,
        weekdays=[int(d) for d in data.get("weekdays", [])] if kind == RecurrenceKind.WEEKLY
        else None,
        day_of_month=data.get("day") if kind == RecurrenceKind.MONTHLY else None)
    period = Period(data.get("period", Period.YESTERDAY.value))
    name = f"Отчёт: {say.PERIODS[period]}, {data['time']}"
    return ScheduleSpec(
        name=name, recurrence=recurrence, local_time=data["time"], time_zone=data["zone"],
        destination=ScheduleDestination.telegram(chat_id),
        report=ReportSpec(channel_ids=list(data.get("accounts", [])) or None, combined=True,
                          metrics=list(data.get("metrics", [])) or None, relative=period,
                          time_zone=data["zone"]))

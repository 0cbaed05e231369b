"""Reports from Telegram, driven like people on the real platform (analytics and scheduling
included) and the session's Telegram emulator: the owner makes a weekly schedule for the
managers' group in the guided dialog (a wrong time answered with what to send), sends it now
and the group gets the report and its chart; /stats in that group answers anyone there, a
chat no report is bound to is told how to bind one; /report_now in private; a manager sees
the schedules without buttons."""

from __future__ import annotations

from typing import Any

import pytest
from switchboard_sdk import Switchboard

from clients.telegram_bot import Store
from tests.clients.telegram_bot.inbound import Person, Seat, seat
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, Tenant

pytestmark = pytest.mark.slow


async def _sent(found: Seat, chat_id: int) -> list[dict[str, Any]]:
    return await found.telegram.sent(found.bot, chat_id=chat_id)


async def _turn(found: Seat, person: Person, text: str, expect: int = 1) -> list[dict[str, Any]]:
    before = len(await _sent(found, person.id))
    await found.private(person, text)
    return await _more(found, person.id, before, expect)


async def _more(found: Seat, chat_id: int, before: int, expect: int) -> list[dict[str, Any]]:
    async def arrived() -> list[dict[str, Any]] | None:
        sent = await _sent(found, chat_id)
        return sent[before:] if len(sent) >= before + expect else None
    got: list[dict[str, Any]] = await eventually(arrived, within=30, interval=0.1)
    return got


async def _press(found: Seat, person: Person, record: dict[str, Any], label: str,
                 expect: int = 1) -> list[dict[str, Any]]:
    """Press the button labelled `label` on the bot's private message; the messages it brings."""
    message = record["message"]
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    [button] = [b for b in buttons if label in b["text"]]
    before = len(await _sent(found, person.id))
    pressed = await found.telegram.made("POST", "/callback_queries", json={
        "bot_id": found.bot["id"], "from_user_id": person.id,
        "message_id": message["message_id"], "data": button["callback_data"]})
    await found.answer(str(pressed["callback_query_id"]))
    return await _more(found, person.id, before, expect) if expect else []


def _text(record: dict[str, Any]) -> str:
    return str(record["message"].get("text") or record["message"].get("caption") or "")


async def test_a_weekly_schedule_made_in_the_dialog_reaches_the_group_and_stats_answers(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    await platform.connect_sandbox_shop(seller, "Отчётный магазин")
    found = await seat(platform, seller, sb)
    owner = found.owner
    async with found.running(store):
        await found.link(owner)
        listed = await _turn(found, owner, "/reports")
        assert "Расписаний отчётов пока нет" in _text(listed[-1])
        [ask_accounts] = await _press(found, owner, listed[-1], "Новое расписание")
        assert "Какие аккаунты" in _text(ask_accounts)
        [ask_metrics] = await _press(found, owner, ask_accounts, "Дальше")  # none ticked: all
        assert "Какие показатели" in _text(ask_metrics)
        [ask_frequency] = await _press(found, owner, ask_metrics, "Дальше")
        [ask_days] = await _press(found, owner, ask_frequency, "По дням недели")
        await _press(found, owner, ask_days, "пн", expect=0)
        await _press(found, owner, ask_days, "пт", expect=0)
        [ask_time] = await _press(found, owner, ask_days, "Дальше")
        assert "Во сколько" in _text(ask_time)
        [wrong] = await _turn(found, owner, "25:00")
        assert "ЧЧ:ММ" in _text(wrong)
        [ask_zone] = await _turn(found, owner, "9:30")
        [ask_period] = await _press(found, owner, ask_zone, "Москва")
        assert "👉 прошлая неделя" in str(ask_period["message"]["reply_markup"])
        [ask_where] = await _press(found, owner, ask_period, "прошлая неделя")
        [created] = await _press(found, owner, ask_where, "В группу менеджеров")
        text = _text(created)
        assert "Расписание создано" in text and "по пн, пт в 09:30 (Europe/Moscow)" in text
        assert "группа менеджеров" in text and "все аккаунты" in text

        [schedule] = await sb.schedules()
        assert schedule.recurrence.weekdays == [1, 5] and schedule.local_time == "09:30"
        assert schedule.destination.telegram_chat == found.chat_id and schedule.enabled

        before = len(await _sent(found, found.chat_id))
        await _press(found, owner, created, "Отправить сейчас", expect=0)
        [report] = await _more(found, found.chat_id, before, 1)  # the chart, the text its caption
        assert report["method"] == "sendPhoto" and _text(report).startswith("Отчёт за")
        assert "Часовой пояс: Europe/Moscow" in _text(report)
        assert (await sb.schedule_runs(schedule.id))[0].status == "delivered"

        before = len(await _sent(found, found.chat_id))
        await found.write(found.stranger, "/stats 7")  # anyone in a bound chat may ask
        [report] = await _more(found, found.chat_id, before, 1)
        assert report["method"] == "sendPhoto" and _text(report).startswith("Отчёт за")
        await found.write(found.stranger, "/stats когда-нибудь")
        [usage] = await _more(found, found.chat_id, before + 1, 1)
        assert "/stats 2026-11-01 2026-11-30" in _text(usage)

        await _press(found, owner, created, "Выключить", expect=0)  # done before it answers
        assert not (await sb.schedules())[0].enabled


async def test_report_now_in_private_and_a_manager_reads_without_buttons(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    await platform.connect_sandbox_shop(seller, "Магазин сейчас")
    found = await seat(platform, seller, sb, group_linked=False)
    owner, manager = found.owner, found.agent
    async with found.running(store):
        await found.link(owner)
        [pick] = await _turn(found, owner, "/report_now")
        [report] = await _press(found, owner, pick, "7 дней")
        assert report["method"] == "sendPhoto" and _text(report).startswith("Отчёт за")

        elsewhere = await found.telegram.chat(type="group", title="Чужой чат", members=[
            {"user_id": owner.id, "status": "creator"},
            {"user_id": found.bot["id"], "status": "member"}])
        before = len(await _sent(found, int(elsewhere["id"])))
        await found.telegram.write(from_user_id=owner.id, chat_id=elsewhere["id"], text="/stats")
        [unbound] = await _more(found, int(elsewhere["id"]), before, 1)
        assert "не привязан ни один отчёт" in _text(unbound)

        await found.link(manager)
        [listed] = await _turn(found, manager, "/reports")
        assert "Расписаний отчётов пока нет" in _text(listed) and "reply_markup" not in listed[
            "message"]

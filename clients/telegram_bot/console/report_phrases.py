"""What the report commands say (Russian UI, HTML; outside text escaped): schedules described,
periods named, a report split at line ends to Telegram's limit."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from switchboard_sdk import Channel, Period, RecurrenceKind, ReportMetric, Schedule

from clients.telegram_bot.render import TEXT_LIMIT, escape

PERIODS = {Period.YESTERDAY: "вчера", Period.TODAY_SO_FAR: "сегодня",
           Period.LAST_7_DAYS: "7 дней", Period.LAST_30_DAYS: "30 дней",
           Period.PREVIOUS_WEEK: "прошлая неделя", Period.PREVIOUS_MONTH: "прошлый месяц",
           Period.MONTH_TO_DATE: "с начала месяца"}
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
DEFAULT_ZONE = "Europe/Moscow"
# What /report_now and /stats show (seed 003's report and the inbox's): Avito's statistics
# beside the inbox metrics; a schedule names its own.
QUICK_METRICS = ("views", "contacts", "favorites", "spending", "balance", "conversations_started",
                 "messages_in", "first_response_time", "unanswered", "ai_answered", "handed_off")

NO_SCHEDULES = "Расписаний отчётов пока нет."
NEW_HINT = "Новое расписание — кнопка ниже."
PREPARING = "⏳ Готовлю отчёт…"
PICK_PERIOD = "📊 <b>Отчёт сейчас</b>: за какой период? (все аккаунты вместе)"
ASK_ACCOUNTS = ("🗓 <b>Новое расписание</b>. Какие аккаунты? Отметьте нужные "
                "(ничего не отмечено — все), затем «Дальше». /cancel — выйти.")
ASK_METRICS = "Какие показатели? Отмечены те, что по умолчанию; затем «Дальше»."
ASK_FREQUENCY = "Как часто присылать?"
ASK_EVERY_N = "Раз в сколько дней? Пришлите число от 2 до 365."
ASK_WEEKDAYS = "В какие дни недели? Отметьте и нажмите «Дальше»."
ASK_DAY = "Какого числа? Пришлите число от 1 до 31 (31 — в последний день короткого месяца)."
ASK_TIME = "Во сколько? Пришлите время ЧЧ:ММ, например 09:00."
ASK_ZONE = ("Часовой пояс? Кнопка — Москва, или пришлите название пояса IANA, например "
            "Asia/Yekaterinburg.")
ASK_PERIOD = "За какой период каждый отчёт?"
ASK_DESTINATION = "Куда присылать?"
BAD_NUMBER = "Нужно число {low}–{high}. Пришлите ещё раз (или /cancel)."
BAD_TIME = "Время — в виде ЧЧ:ММ, например 09:00. Пришлите ещё раз (или /cancel)."
BAD_ZONE = "Не знаю такого пояса. Пример: Europe/Moscow. Пришлите ещё раз (или /cancel)."
PRESS_AGAIN = "Платформа не ответила. Нажмите кнопку ещё раз через минуту."
NO_WEEKDAYS = "Отметьте хотя бы один день."
DELETE_ASK = "Удалить расписание «{name}»? История его отправок тоже удалится."
DELETED = "Расписание удалено."
QUEUED = "Отчёт поставлен в очередь: придёт в течение минуты."
STATS_USAGE = ("Команда: /stats [период]. Период: вчера (по умолчанию), сегодня, 7, 30, неделя, "
               "месяц, или даты: /stats 2026-11-01 2026-11-30.")
STATS_UNBOUND = ("К этому чату не привязан ни один отчёт. Владелец может настроить отправку "
                 "сюда в личном чате с ботом: /reports.")


def recurrence(schedule: Schedule) -> str:
    r = schedule.recurrence
    if r.kind == RecurrenceKind.DAILY:
        text = "каждый день"
    elif r.kind == RecurrenceKind.EVERY_N_DAYS:
        text = f"раз в {r.n} дн." + (f" (с {r.start_date})" if r.start_date else "")
    elif r.kind == RecurrenceKind.WEEKLY:
        text = "по " + ", ".join(WEEKDAYS[d - 1] for d in sorted(r.weekdays or []) if 1 <= d <= 7)
    elif r.kind == RecurrenceKind.MONTHLY:
        text = f"ежемесячно, {r.day_of_month}-го"
    else:
        text = escape(str(r.kind))
    return f"{text} в {escape(schedule.local_time)} ({escape(schedule.time_zone)})"


def accounts(ids: list[str] | None, channels: list[Channel]) -> str:
    if not ids:
        return "все аккаунты"
    names = {c.id: c.name for c in channels}
    return ", ".join(escape(names.get(i, "удалённый аккаунт")) for i in ids)


def metrics(keys: list[str] | None, catalogue: list[ReportMetric]) -> str:
    if not keys:
        return "по умолчанию"
    titles = {m.key: m.title or m.key for m in catalogue}
    return ", ".join(escape(titles.get(k, k)) for k in keys)


def destination(chat_id: int | None, here: int, group: int | None) -> str:
    if chat_id is None:
        return "вебхук"
    return "этот чат" if chat_id == here else "группа менеджеров" if chat_id == group \
        else f"чат {chat_id}"


def schedule(s: Schedule, channels: list[Channel], catalogue: list[ReportMetric], here: int,
             group: int | None) -> str:
    report = s.report
    period = PERIODS.get(report.relative, "") if report.relative else \
        f"{report.from_date} — {report.to_date}" if report.from_date else "вчера"
    lines = [f"🗓 <b>{escape(s.name)}</b> · {'вкл' if s.enabled else 'выкл'}",
             f"Когда: {recurrence(s)}",
             f"Аккаунты: {accounts(report.channel_ids, channels)}"
             f"{'' if report.combined else ' (по каждому отдельно)'}",
             f"Показатели: {metrics(report.metrics, catalogue)}",
             f"Период: {escape(period)}",
             f"Куда: {destination(s.destination.telegram_chat, here, group)}",
             f"Следующий: {_local(s.next_run_at, s.time_zone)}"]
    if s.last_run is not None:
        run = s.last_run
        state = {"delivered": "✅ доставлен", "failed": "⚠️ не доставлен",
                 "skipped": "пропущен", "pending": "⏳ в работе"}.get(run.status, run.status)
        lines.append(f"Последний: {state}" + (f" — {escape(run.error)}" if run.error else ""))
    return "\n".join(lines)


def _local(at: datetime | None, zone: str) -> str:
    if at is None:
        return "—"
    try:
        return at.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")
    except (ZoneInfoNotFoundError, ValueError):
        return at.strftime("%d.%m.%Y %H:%M UTC")


def pieces(html: str, limit: int = TEXT_LIMIT) -> list[str]:
    """The report in messages under `limit`, cut at line ends (a report keeps its tags within
    a line); a single line past the limit is cut where it must."""
    out: list[str] = []
    current = ""
    for line in html.split("\n"):
        while len(line) > limit:
            out.extend([current] if current else [])
            current, (out_line, line) = "", (line[:limit], line[limit:])
            out.append(out_line)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            out.append(current)
            candidate = line
        current = candidate
    if current.strip():
        out.append(current)
    return [p for p in out if p.strip()]

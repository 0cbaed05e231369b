"""The metric catalogue: every key a report may name (stable strings, the ReportSpec's contract),
its Russian title for reports, its unit and where it comes from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    unit: str  # count | seconds | ratio | rub
    source: str  # inbox | avito
    default: bool = False


INBOX = "inbox"
AVITO = "avito"

CATALOGUE: tuple[Metric, ...] = (
    Metric("conversations_started", "Новые диалоги", "count", INBOX, True),
    Metric("messages_in", "Сообщений от покупателей", "count", INBOX, True),
    Metric("messages_out", "Наших ответов", "count", INBOX, True),
    Metric("first_response_time", "Время первого ответа", "seconds", INBOX, True),
    Metric("reply_time", "Время ответа", "seconds", INBOX),
    Metric("unanswered", "Без ответа", "count", INBOX, True),
    Metric("waiting", "Ждут ответа сейчас", "count", INBOX, True),
    Metric("resolution_time", "Время до решения", "seconds", INBOX),
    Metric("ai_answered", "Ответил ИИ", "count", INBOX, True),
    Metric("handed_off", "Передано менеджерам", "count", INBOX, True),
    Metric("views", "Просмотры", "count", AVITO),
    Metric("contacts", "Контакты", "count", AVITO),
    Metric("favorites", "В избранном", "count", AVITO),
    Metric("spending", "Расходы", "rub", AVITO),
    Metric("balance", "Баланс", "rub", AVITO),
    Metric("cpa_balance", "CPA-баланс", "rub", AVITO),
    Metric("calls", "Звонки", "count", AVITO),
)

BY_KEY = {m.key: m for m in CATALOGUE}
DEFAULTS = tuple(m.key for m in CATALOGUE if m.default)


class UnknownMetric(ValueError):
    pass


def resolve(keys: list[str] | tuple[str, ...]) -> tuple[Metric, ...]:
    """The metrics named (in catalogue order, each once); none = the defaults."""
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        raise UnknownMetric(f"unknown metric {', '.join(map(repr, unknown))}; "
                            "ListMetrics (GET /v1/analytics/metrics) names them")
    wanted = set(keys or DEFAULTS)
    return tuple(m for m in CATALOGUE if m.key in wanted)

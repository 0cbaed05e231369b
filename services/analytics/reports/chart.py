"""The report's chart as PNG: per day, messages from buyers, our replies and new conversations
(the sections summed). A bare matplotlib Figure renders with Agg, no pyplot and no display;
its DejaVu fonts have Cyrillic."""

from __future__ import annotations

import io
from datetime import date

from matplotlib.figure import Figure

from services.analytics.reports.html import period_title
from services.analytics.reports.model import Report

SERIES = (("messages_in", "Сообщений от покупателей"), ("messages_out", "Наших ответов"),
          ("conversations_started", "Новые диалоги"))


def render(report: Report) -> bytes:
    days = report.period.days
    totals: dict[str, list[int]] = {key: [0] * len(days) for key, _ in SERIES}
    for section in report.sections:
        for i, day in enumerate(days):
            figures = section.daily.get(day)
            for key, _ in SERIES:
                totals[key][i] += figures.counts[key] if figures else 0
    # A Figure of its own (not pyplot's global state): safe across concurrent renders.
    fig = Figure(figsize=(8, 4), dpi=100)
    ax = fig.subplots()
    x = list(range(len(days)))
    for key, label in SERIES:
        ax.plot(x, totals[key], marker="o" if len(days) <= 31 else None, label=label)
    ax.set_title(f"Отчёт за {period_title(report)}")
    ax.set_xticks(x[:: max(1, len(days) // 10)])
    ax.set_xticklabels([_label(d) for d in days][:: max(1, len(days) // 10)])
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _label(day: date) -> str:
    return day.strftime("%d.%m")

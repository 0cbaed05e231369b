"""The report as Telegram HTML (parse_mode=HTML): only <b>, everything else escaped, one short
line per metric, Russian labels."""

from __future__ import annotations

from html import escape

from services.analytics.reports.model import Report
from services.analytics.reports.values import text

# Telegram's message limit is 4096 characters; a report that would pass it is cut here.
MAX_CHARS = 4000


def period_title(report: Report) -> str:
    p = report.period
    if p.first == p.last:
        return p.first.strftime("%d.%m.%Y")
    return f"{p.first.strftime('%d.%m.%Y')} – {p.last.strftime('%d.%m.%Y')}"


def render(report: Report) -> str:
    lines = [f"<b>Отчёт за {escape(period_title(report))}</b>",
             f"Часовой пояс: {escape(report.zone)}"]
    for section in report.sections:
        lines += ["", f"<b>{escape(section.title)}</b>"]
        lines += [f"{escape(m.title)}: {escape(text(section, m))}" for m in report.metrics]
    if report.partial:
        lines += ["", "<b>Данные неполные:</b>"]
        lines += [f"• {escape(p)}" for p in report.problems]
    out = "\n".join(lines)
    if len(out) > MAX_CHARS:
        out = out[:MAX_CHARS].rsplit("\n", 1)[0] + "\n…"
    return out

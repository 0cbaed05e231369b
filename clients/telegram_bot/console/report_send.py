"""A report rendered now through the API and posted in a chat: its text (split at line ends; a
partial report says there what is missing) and its chart: one photo with the text as its
caption when it fits, as scheduled reports come. The text and the chart are asked side by side;
a chart that cannot be drawn leaves the text alone, a failed text is told in the chat with what
to do."""

from __future__ import annotations

import asyncio
import logging

from switchboard_sdk import Report, ReportSpec, SwitchboardError

from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.console import report_phrases as say
from clients.telegram_bot.errors import PLATFORM_TRANSIENT
from clients.telegram_bot.render import CAPTION_LIMIT, escape, utf16_len

log = logging.getLogger("clients.telegram_bot")
TRY_LATER = "⚠️ Отчёт не получился: платформа не ответила. Попробуйте ещё раз через минуту."
REFUSED = "⚠️ Отчёт не получился: {why}"


async def post_report(rt: BotRuntime, chat_id: int, spec: ReportSpec, *,
                      thread_id: int | None = None) -> bool:
    """True when the report's text was posted."""
    text, chart = await asyncio.gather(rt.sb.report(spec, "html"), rt.sb.report(spec, "png"),
                                       return_exceptions=True)
    if isinstance(text, BaseException):
        if not isinstance(text, SwitchboardError):
            raise text
        said = (TRY_LATER if isinstance(text, PLATFORM_TRANSIENT)
                else REFUSED.format(why=escape(text.message)))
        await rt.say(chat_id, said, thread_id=thread_id)
        return False
    assert isinstance(text, Report)
    if isinstance(chart, SwitchboardError):
        log.warning("telegram: no chart for a report: %s", chart)
    elif isinstance(chart, BaseException):
        raise chart
    png = chart.png if isinstance(chart, Report) else b""
    if png and utf16_len(text.content) <= CAPTION_LIMIT:  # one message, as scheduled ones come
        await rt.photo(chat_id, png, text.content, thread_id=thread_id)
        return True
    for piece in say.pieces(text.content):
        await rt.say(chat_id, piece, thread_id=thread_id)
    if png:
        await rt.photo(chat_id, png, thread_id=thread_id)
    return True

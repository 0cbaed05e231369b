"""After a reset (the events since the stored position can no longer be replayed): look at the
conversations active since then, through the lists, and post what their topics miss. The
posts table makes this idempotent: what was posted before is found done and skipped."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from switchboard_sdk import ConversationSort, Message, Switchboard

from clients.telegram_bot.config import RunnerSettings
from clients.telegram_bot.window.posting import Poster
from clients.telegram_bot.window.topics import Topics

log = logging.getLogger("clients.telegram_bot")
# Clocks differ and the position was stored after its event: look a little further back.
_MARGIN = timedelta(minutes=1)


async def reconcile(sb: Switchboard, poster: Poster, topics: Topics, since: datetime,
                    settings: RunnerSettings) -> int:
    """Post the missing messages of conversations active since `since`; how many were looked at."""
    since -= _MARGIN
    looked = 0
    async for conversation in sb.iter_conversations(sort=ConversationSort.RECENT):
        if conversation.last_message_at is not None and conversation.last_message_at < since:
            break  # the list is newest first: the rest is older still
        if looked >= settings.reconcile_max_conversations:
            log.warning("telegram: reconcile stopped at %d conversations", looked)
            break
        looked += 1
        for message in reversed(await _recent(sb, conversation.id, since, settings)):
            await poster.message(conversation, message)
        await topics.refresh(conversation)
    return looked


async def _recent(sb: Switchboard, conversation_id: str, since: datetime,
                  settings: RunnerSettings) -> list[Message]:
    """The conversation's messages since `since`, newest first, at most the configured few."""
    found: list[Message] = []
    async for message in sb.iter_messages(conversation_id):
        at = message.created_at or message.sent_at
        if at is not None and at < since:
            break
        found.append(message)
        if len(found) >= settings.reconcile_max_messages:
            break
    return found

"""The store's rows for the direction Telegram -> platform (schema `telegram_bot`, migration
0016, RLS like the rest): managers' replies and the delivery shown on them, a polling bot's
offset, once-in-a-while notices, and the conversation of a topic.

A manager's reply is recorded before it is sent to the platform (`reply_in_flight`), so the
window, seeing the platform message appear, can wait for the link (`in_flight`) instead of
posting the manager's own words back into the topic; once sent, the platform message gets a
finished post holding the manager's Telegram message (`reply_sent`), exactly as if the window
had posted it. The delivery outcome is claimed before it is shown (`claim_outcome`), so two
window replicas show it once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, text

from clients.telegram_bot.store import Scope, Store


class Outcome(StrEnum):
    SENT = "sent"        # delivered to the buyer: shown as a reaction (or a short reply)
    FAILED = "failed"    # the channel refused it: shown as a reply with the reason
    REFUSED = "refused"  # the platform refused it: the manager was told what to do


@dataclass(frozen=True)
class Reply:
    telegram_message_id: int
    thread_id: int
    conversation_id: str
    message_id: str | None  # the platform message, once sent
    outcome: Outcome | None


_REPLY = ("SELECT telegram_message_id, thread_id, conversation_id, message_id, outcome "
          "FROM telegram_bot.replies WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c ")


def _reply(row: Row[Any]) -> Reply:
    return Reply(row.telegram_message_id, row.thread_id, row.conversation_id, row.message_id,
                 Outcome(row.outcome) if row.outcome else None)


class Ledger:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def conversation_of(self, scope: Scope, thread_id: int) -> str | None:
        """The conversation whose topic this is (None: a topic the window did not open)."""
        async with self.store.transaction(scope.tenant_id) as conn:
            found = await conn.scalar(text(
                "SELECT conversation_id FROM telegram_bot.topics WHERE tenant_id = :t "
                "AND bot_id = :b AND chat_id = :c AND thread_id = :thread"),
                {**scope.keys(), "thread": thread_id})
        return str(found) if found is not None else None

    # Managers' replies.

    async def reply_in_flight(self, scope: Scope, telegram_message_id: int, thread_id: int,
                              conversation_id: str) -> Reply:
        """Record the reply before sending it; the row as it is (a redelivery finds it)."""
        async with self.store.transaction(scope.tenant_id) as conn:
            await conn.execute(text(
                "INSERT INTO telegram_bot.replies (tenant_id, bot_id, chat_id, telegram_message_id, "
                "thread_id, conversation_id) VALUES (:t, :b, :c, :tg, :thread, :conv) "
                "ON CONFLICT DO NOTHING"),
                {**scope.keys(), "tg": telegram_message_id, "thread": thread_id,
                 "conv": conversation_id})
            row = (await conn.execute(text(_REPLY + "AND telegram_message_id = :tg"),
                                      {**scope.keys(), "tg": telegram_message_id})).one()
        return _reply(row)

    async def reply_sent(self, scope: Scope, telegram_message_id: int, message_id: str,
                         conversation_id: str) -> None:
        """The reply became platform message `message_id`: link it, and hold its post as done
        with the manager's message (the window then finds it posted already)."""
        async with self.store.transaction(scope.tenant_id) as conn:
            await conn.execute(text(
                "UPDATE telegram_bot.replies SET message_id = :m, updated_at = now() "
                "WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c "
                "AND telegram_message_id = :tg"),
                {**scope.keys(), "tg": telegram_message_id, "m": message_id})
            await conn.execute(text(
                "INSERT INTO telegram_bot.posts (tenant_id, bot_id, chat_id, item_key, "
                "conversation_id, telegram_message_ids, done, claim_token) "
                "VALUES (:t, :b, :c, :m, :conv, ARRAY[CAST(:tg AS bigint)], true, :token) "
                "ON CONFLICT DO NOTHING"),
                {**scope.keys(), "m": message_id, "conv": conversation_id,
                 "tg": telegram_message_id, "token": uuid.uuid4()})

    async def reply_refused(self, scope: Scope, telegram_message_id: int) -> None:
        await self._set_outcome(scope, telegram_message_id, Outcome.REFUSED)

    async def in_flight(self, scope: Scope, conversation_id: str, younger_than_s: float) -> int:
        """Replies of the conversation recorded but not yet linked, no older than the bound
        (older ones belong to a handler that died: their redelivery posts nothing twice)."""
        async with self.store.transaction(scope.tenant_id) as conn:
            count = await conn.scalar(text(
                "SELECT count(*) FROM telegram_bot.replies WHERE tenant_id = :t AND bot_id = :b "
                "AND chat_id = :c AND conversation_id = :conv AND message_id IS NULL "
                "AND outcome IS NULL AND created_at > now() - make_interval(secs => :age)"),
                {**scope.keys(), "conv": conversation_id, "age": younger_than_s})
        return int(count or 0)

    async def claim_outcome(self, scope: Scope, message_id: str, outcome: Outcome) -> Reply | None:
        """Mark the reply of platform message `message_id` as showing `outcome`; the reply when
        this caller is the one to show it (None: not a reply from Telegram, or shown already)."""
        async with self.store.transaction(scope.tenant_id) as conn:
            row = (await conn.execute(text(
                "UPDATE telegram_bot.replies SET outcome = :o, updated_at = now() "
                "WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c AND message_id = :m "
                "AND outcome IS DISTINCT FROM :o "
                "RETURNING telegram_message_id, thread_id, conversation_id, message_id, outcome"),
                {**scope.keys(), "m": message_id, "o": outcome.value})).first()
        return _reply(row) if row is not None else None

    async def release_outcome(self, scope: Scope, reply: Reply) -> None:
        """Showing it failed: let the event's replay claim it again."""
        await self._set_outcome(scope, reply.telegram_message_id, None)

    async def _set_outcome(self, scope: Scope, telegram_message_id: int,
                           outcome: Outcome | None) -> None:
        async with self.store.transaction(scope.tenant_id) as conn:
            await conn.execute(text(
                "UPDATE telegram_bot.replies SET outcome = :o, updated_at = now() "
                "WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c "
                "AND telegram_message_id = :tg"),
                {**scope.keys(), "tg": telegram_message_id,
                 "o": outcome.value if outcome else None})

    # A polling bot's position in getUpdates.

    async def offset(self, tenant_id: uuid.UUID, bot_id: str) -> int | None:
        async with self.store.transaction(tenant_id) as conn:
            found = await conn.scalar(text(
                "SELECT last_update_id FROM telegram_bot.offsets WHERE tenant_id = :t "
                "AND bot_id = :b"), {"t": tenant_id, "b": bot_id})
        return int(found) if found is not None else None

    async def save_offset(self, tenant_id: uuid.UUID, bot_id: str, update_id: int) -> None:
        async with self.store.transaction(tenant_id) as conn:
            await conn.execute(text(
                "INSERT INTO telegram_bot.offsets (tenant_id, bot_id, last_update_id) "
                "VALUES (:t, :b, :u) ON CONFLICT (tenant_id, bot_id) DO UPDATE "
                "SET last_update_id = GREATEST(telegram_bot.offsets.last_update_id, "
                "EXCLUDED.last_update_id), updated_at = now()"),
                {"t": tenant_id, "b": bot_id, "u": update_id})

    # Once in a while.

    async def notice_due(self, tenant_id: uuid.UUID, bot_id: str, telegram_user_id: int,
                         kind: str, every_s: float) -> bool:
        """True (and the time recorded) when the person was not told `kind` in `every_s`."""
        async with self.store.transaction(tenant_id) as conn:
            row = (await conn.execute(text(
                "INSERT INTO telegram_bot.notices AS n (tenant_id, bot_id, telegram_user_id, kind) "
                "VALUES (:t, :b, :u, :k) ON CONFLICT (tenant_id, bot_id, telegram_user_id, kind) "
                "DO UPDATE SET sent_at = now() "
                "WHERE n.sent_at < now() - make_interval(secs => :every) RETURNING sent_at"),
                {"t": tenant_id, "b": bot_id, "u": telegram_user_id, "k": kind,
                 "every": every_s})).first()
        return row is not None

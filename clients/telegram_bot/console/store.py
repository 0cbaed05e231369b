"""The console's and the alerts' SQL (schema `telegram_bot`, migration 0017): dialogs (aiogram's
FSM state), handoff deadlines, the channel problems last told. Tenant-bound transactions of
the runner's Store, like every other row set of the package."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import TextClause, text

from clients.telegram_bot.store import Store


@dataclass(frozen=True)
class DialogKey:
    tenant_id: uuid.UUID
    bot_id: str
    chat_id: int
    user_id: int
    thread_id: int
    destiny: str

    def values(self) -> dict[str, object]:
        return {"t": self.tenant_id, "b": self.bot_id, "c": self.chat_id, "u": self.user_id,
                "th": self.thread_id, "d": self.destiny}


_DIALOG = text("SELECT state, data FROM telegram_bot.dialogs WHERE tenant_id = :t AND bot_id = :b "
               "AND chat_id = :c AND user_id = :u AND thread_id = :th AND destiny = :d")
_INSERT = ("INSERT INTO telegram_bot.dialogs (tenant_id, bot_id, chat_id, user_id, thread_id, "
           "destiny, state, data) VALUES (:t, :b, :c, :u, :th, :d, ")
_ON_KEY = " ON CONFLICT (tenant_id, bot_id, chat_id, user_id, thread_id, destiny) DO UPDATE SET "
_SAVE_STATE = text(_INSERT + ":v, '{}')" + _ON_KEY + "state = EXCLUDED.state, updated_at = now()")
_SAVE_DATA = text(_INSERT + "NULL, CAST(:v AS jsonb))" + _ON_KEY
                  + "data = EXCLUDED.data, updated_at = now()")
_FORGET_EMPTY = text("DELETE FROM telegram_bot.dialogs WHERE tenant_id = :t AND bot_id = :b "
                     "AND chat_id = :c AND user_id = :u AND thread_id = :th AND destiny = :d "
                     "AND state IS NULL AND data = '{}'::jsonb")


@dataclass(frozen=True)
class DueHandoff:
    conversation_id: str
    requested_at: str


class ConsoleStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # Dialogs (FSM).

    async def dialog(self, key: DialogKey) -> tuple[str | None, dict[str, Any]]:
        async with self.store.transaction(key.tenant_id) as conn:
            row = (await conn.execute(_DIALOG, key.values())).first()
        return (row.state, dict(row.data)) if row else (None, {})

    async def save_state(self, key: DialogKey, state: str | None) -> None:
        await self._save(key, _SAVE_STATE, state)

    async def save_data(self, key: DialogKey, data: dict[str, Any]) -> None:
        await self._save(key, _SAVE_DATA, json.dumps(data))

    async def _save(self, key: DialogKey, statement: TextClause, value: str | None) -> None:
        async with self.store.transaction(key.tenant_id) as conn:
            await conn.execute(statement, {**key.values(), "v": value})
            # Nothing left to remember: no row (a finished dialog leaves no trace).
            await conn.execute(_FORGET_EMPTY, key.values())

    # Handoff deadlines.

    async def handoff_waits(self, tenant_id: uuid.UUID, bot_id: str, conversation_id: str,
                            requested_at: str, after: timedelta) -> None:
        """Remember a handoff's deadline (a replay of the event keeps the first)."""
        async with self.store.transaction(tenant_id) as conn:
            await conn.execute(text(
                "INSERT INTO telegram_bot.handoff_alerts (tenant_id, bot_id, conversation_id, "
                "requested_at, due_at) VALUES (:t, :b, :conv, :at, now() + make_interval(secs => :after)) "
                "ON CONFLICT DO NOTHING"),
                {"t": tenant_id, "b": bot_id, "conv": conversation_id, "at": requested_at,
                 "after": after.total_seconds()})

    async def claim_due_handoffs(self, tenant_id: uuid.UUID, bot_id: str, lease_s: float,
                                 limit: int = 20) -> list[DueHandoff]:
        """Overdue handoffs not done, claimed for `lease_s` (a holder that died is taken over)."""
        async with self.store.transaction(tenant_id) as conn:
            rows = (await conn.execute(text(
                "UPDATE telegram_bot.handoff_alerts SET claimed_at = now() "
                "WHERE (tenant_id, bot_id, conversation_id, requested_at) IN ("
                "  SELECT tenant_id, bot_id, conversation_id, requested_at "
                "  FROM telegram_bot.handoff_alerts WHERE tenant_id = :t AND bot_id = :b "
                "  AND done_at IS NULL AND due_at <= now() AND (claimed_at IS NULL "
                "  OR claimed_at < now() - make_interval(secs => :lease)) "
                "  ORDER BY due_at LIMIT :limit FOR UPDATE SKIP LOCKED) "
                "RETURNING conversation_id, requested_at"),
                {"t": tenant_id, "b": bot_id, "lease": lease_s, "limit": limit})).all()
        return [DueHandoff(r.conversation_id, r.requested_at) for r in rows]

    async def handoff_done(self, tenant_id: uuid.UUID, bot_id: str, due: DueHandoff,
                           outcome: str) -> None:
        """'alerted' (posted) or 'picked_up' (cleared before anyone had to be told)."""
        async with self.store.transaction(tenant_id) as conn:
            await conn.execute(text(
                "UPDATE telegram_bot.handoff_alerts SET done_at = now(), outcome = :o "
                "WHERE tenant_id = :t AND bot_id = :b AND conversation_id = :conv "
                "AND requested_at = :at"),
                {"t": tenant_id, "b": bot_id, "conv": due.conversation_id,
                 "at": due.requested_at, "o": outcome})

    # Channel problems.

    async def channel_problems(self, tenant_id: uuid.UUID, bot_id: str) -> dict[str, list[str]]:
        async with self.store.transaction(tenant_id) as conn:
            rows = (await conn.execute(text(
                "SELECT channel_id, problems FROM telegram_bot.channel_alerts "
                "WHERE tenant_id = :t AND bot_id = :b"), {"t": tenant_id, "b": bot_id})).all()
        return {r.channel_id: list(r.problems) for r in rows}

    async def change_problems(self, tenant_id: uuid.UUID, bot_id: str, channel_id: str,
                              before: list[str], after: list[str]) -> bool:
        """Compare and set: True when this caller moved the channel from `before` to `after`
        (so of two replicas noticing the same change, one tells it)."""
        async with self.store.transaction(tenant_id) as conn:
            if not before:
                result = await conn.execute(text(
                    "INSERT INTO telegram_bot.channel_alerts (tenant_id, bot_id, channel_id, "
                    "problems) VALUES (:t, :b, :ch, :after) ON CONFLICT (tenant_id, bot_id, "
                    "channel_id) DO UPDATE SET problems = EXCLUDED.problems, updated_at = now() "
                    "WHERE telegram_bot.channel_alerts.problems = '{}'"),
                    {"t": tenant_id, "b": bot_id, "ch": channel_id, "after": after})
            else:
                result = await conn.execute(text(
                    "UPDATE telegram_bot.channel_alerts SET problems = :after, updated_at = now() "
                    "WHERE tenant_id = :t AND bot_id = :b AND channel_id = :ch "
                    "AND problems = :before"),
                    {"t": tenant_id, "b": bot_id, "ch": channel_id, "after": after,
                     "before": before})
        return bool(result.rowcount)

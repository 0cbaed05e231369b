"""aiogram's FSM storage on the runner's store (`telegram_bot.dialogs`): a guided dialog's state
and data survive a runner restart, and every replica sees the same step.

aiogram keys a dialog by the Telegram bot's numeric id (from its token); the storage maps it
to the bot's tenant (rows are tenant rows under RLS) and registry id. The runner binds each
bot when it starts and unbinds it when it stops. The dispatcher (and so this storage) is one
per process; two runners of one process serving the same bot share its binding, counted: it
lasts until the last of them stops.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from clients.telegram_bot.console.store import ConsoleStore, DialogKey
from clients.telegram_bot.store import Store


@dataclass(frozen=True)
class _Binding:
    rows: ConsoleStore
    tenant_id: uuid.UUID
    bot_id: str


class StoreStorage(BaseStorage):
    def __init__(self) -> None:
        self._bots: dict[int, _Binding] = {}
        self._holders: dict[tuple[int, str], int] = {}  # runners holding each binding

    def bind(self, telegram_bot_id: int, store: Store, tenant_id: uuid.UUID, bot_id: str) -> None:
        self._bots[telegram_bot_id] = _Binding(ConsoleStore(store), tenant_id, bot_id)
        key = (telegram_bot_id, bot_id)
        self._holders[key] = self._holders.get(key, 0) + 1

    def unbind(self, telegram_bot_id: int, bot_id: str) -> None:
        key = (telegram_bot_id, bot_id)
        left = self._holders.get(key, 0) - 1
        if left > 0:  # another runner of this process still serves the bot
            self._holders[key] = left
            return
        self._holders.pop(key, None)
        binding = self._bots.get(telegram_bot_id)
        if binding is not None and binding.bot_id == bot_id:
            del self._bots[telegram_bot_id]

    def _where(self, key: StorageKey) -> tuple[ConsoleStore, DialogKey]:
        binding = self._bots.get(key.bot_id)
        if binding is None:  # an update of a bot this process does not run: a bug upstream
            raise LookupError(f"no tenant bound to the Telegram bot {key.bot_id}")
        return binding.rows, DialogKey(binding.tenant_id, binding.bot_id, key.chat_id,
                                       key.user_id, key.thread_id or 0, key.destiny)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        rows, where = self._where(key)
        await rows.save_state(where, state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        rows, where = self._where(key)
        return (await rows.dialog(where))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        rows, where = self._where(key)
        await rows.save_data(where, dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        rows, where = self._where(key)
        return (await rows.dialog(where))[1]

    async def close(self) -> None:
        """The store belongs to the runner's owner, who closes it."""

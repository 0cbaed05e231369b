"""A polling bot's updates: the runner long-polls getUpdates itself (local development, no
public URL) and feeds each update to the same handler as webhook updates.

The position is the last update handled, kept in the store (ledger.offsets) and given back to
Telegram as `offset` (which also confirms what came before): a restart resumes after it, so no
update is lost or handled twice. An update whose handling is transient (Telegram or the
platform unreachable) is tried again, with backoff, until it goes through: later ones wait, so
order holds. One that can never be handled (poison) is logged and passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from aiogram.exceptions import TelegramAPIError
from aiogram.types import Update
from switchboard_sdk import Backoff

from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.errors import TransientUpdateError
from clients.telegram_bot.sending.queue import TRANSIENT

log = logging.getLogger("clients.telegram_bot")
# What the webhook of a registered bot asks for (services/channels: allowed_updates).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "chat_member"]
Handle = Callable[[BotRuntime, Update], Awaitable[None]]


class Poller:
    def __init__(self, rt: BotRuntime, handle: Handle) -> None:
        self.rt, self._handle = rt, handle
        settings = rt.settings
        self._backoff = Backoff(settings.restart_base_s, settings.restart_cap_s)
        self._stopping = asyncio.Event()
        self._poll: asyncio.Task[list[Update]] | None = None
        self.handled = 0
        self._task = asyncio.create_task(self._supervise(),
                                         name=f"telegram-poll-{rt.config.bot_id}")

    async def stop(self, grace_s: float) -> None:
        """Stop polling; the update in hand finishes within the grace (else it comes again)."""
        self._stopping.set()
        if self._poll is not None:
            self._poll.cancel()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_s)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _supervise(self) -> None:
        """Poll until stopped; a failure (the store unreachable) starts over from the stored
        offset after a pause."""
        failures = 0
        while not self._stopping.is_set():
            try:
                await self._run()
            except Exception:
                failures += 1
                log.exception("telegram: polling failed, starting over",
                              extra={"bot_id": self.rt.config.bot_id})
                await self._pause(self._backoff.delay(failures))

    async def _run(self) -> None:
        rt = self.rt
        offset = await rt.ledger.offset(rt.tenant_id, rt.config.bot_id)
        failures = 0
        while not self._stopping.is_set():
            try:
                updates = await self._fetch(offset)
                failures = 0
            except asyncio.CancelledError:
                if self._stopping.is_set():
                    return
                raise
            except (TelegramAPIError, *TRANSIENT) as exc:
                failures += 1
                log.warning("telegram: getUpdates failed (%s), retrying", exc,
                            extra={"bot_id": rt.config.bot_id})
                await self._pause(self._backoff.delay(failures))
                continue
            for update in updates:
                if not await self._handle_until_done(update):
                    return  # stopping: this update was not handled, it comes again
                await rt.ledger.save_offset(rt.tenant_id, rt.config.bot_id, update.update_id)
                offset = update.update_id
                self.handled += 1

    async def _fetch(self, offset: int | None) -> list[Update]:
        timeout = self.rt.settings.poll_timeout_s
        self._poll = asyncio.create_task(self.rt.bot.get_updates(
            offset=offset + 1 if offset is not None else None, timeout=timeout,
            allowed_updates=ALLOWED_UPDATES,
            request_timeout=int(timeout + self.rt.settings.request_timeout_s)))
        try:
            return await self._poll
        finally:
            self._poll = None

    async def _handle_until_done(self, update: Update) -> bool:
        """Handle it (retrying what is transient); False when stopping first."""
        attempt = 0
        while not self._stopping.is_set():
            try:
                await self._handle(self.rt, update)
                return True
            except TransientUpdateError as exc:
                attempt += 1
                log.warning("telegram: update %s not handled yet (%s), retrying",
                            update.update_id, exc, extra={"bot_id": self.rt.config.bot_id})
                await self._pause(self._backoff.delay(attempt))
            except Exception:
                log.exception("telegram: update %s cannot be handled, passed",
                              update.update_id, extra={"bot_id": self.rt.config.bot_id})
                return True
        return False

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

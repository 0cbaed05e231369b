"""The runner: every linked bot's window as a supervised task of its own, so one bot's slowness
or failure never stops another's. A failed window is restarted after a capped exponential
backoff with jitter, and resumes from its stored position.

    runner = Runner(configs, Store(database_url))
    await runner.start()
    await runner.update_bots(new_configs)   # bots added, removed or changed at run time
    await runner.stop(grace_s=10)            # what is in flight finishes within the grace
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from switchboard_sdk import Backoff, Switchboard

from clients.telegram_bot.config import BotConfig, RunnerSettings
from clients.telegram_bot.sending import SendQueue
from clients.telegram_bot.store import Store
from clients.telegram_bot.telegram import Group, make_bot
from clients.telegram_bot.window import BotWindow

log = logging.getLogger("clients.telegram_bot")


@dataclass(frozen=True)
class BotStatus:
    bot_id: str
    running: bool  # a window is following the live events now
    restarts: int
    handled: int  # events handled by the current (or the last) window
    last_error: str | None
    position: str | None  # the live stream's last event id (set once it has subscribed)


class BotTask:
    """One bot's window, restarted after failures until stopped."""

    def __init__(self, config: BotConfig, store: Store, settings: RunnerSettings) -> None:
        self.config, self.store, self.settings = config, store, settings
        self._backoff = Backoff(settings.restart_base_s, settings.restart_cap_s)
        self._stopping = asyncio.Event()
        self._window: BotWindow | None = None
        self._handled = self._restarts = 0
        self._last_error: str | None = None
        self._task = asyncio.create_task(self._supervise(), name=f"telegram-bot-{config.bot_id}")

    @property
    def status(self) -> BotStatus:
        window = self._window
        return BotStatus(self.config.bot_id, window is not None, self._restarts,
                         window.handled if window else self._handled, self._last_error,
                         window.position if window else None)

    async def stop(self, grace_s: float) -> None:
        self._stopping.set()
        if self._window is not None:
            await self._window.interrupt()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace_s)
        except TimeoutError:
            log.warning("telegram: bot %s did not stop within %.0f s", self.config.bot_id, grace_s)
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _supervise(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                await self._run_once()
                failures = 0
            except Exception as exc:
                # A window that got going before it failed starts its count anew.
                failures = 1 if self._handled else failures + 1
                self._last_error = f"{type(exc).__name__}: {exc}"
                log.error("telegram: bot %s failed (%s), restarting", self.config.bot_id,
                          self._last_error, exc_info=True)
            if self._stopping.is_set():
                return
            delay = max(self._backoff.delay(failures), self.settings.restart_base_s / 2)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
            self._restarts += 1

    async def _run_once(self) -> None:
        config, settings = self.config, self.settings
        assert config.group_chat_id is not None
        bot = make_bot(config.token, config.telegram_api_base_url, settings.request_timeout_s)
        queue = SendQueue(settings.pacing, settings.retries, max_pending=settings.max_pending)
        sb = Switchboard(config.api_base_url, api_key=config.api_key,
                         timeout=settings.request_timeout_s)
        window = BotWindow(config, self.store, settings, sb=sb,
                           group=Group(bot, queue, config.group_chat_id))
        try:
            self._window = window
            if not self._stopping.is_set():
                await window.run()
        finally:
            self._window, self._handled = None, window.handled
            await queue.close(grace_s=1.0)
            await sb.aclose()
            await bot.session.close()


class Runner:
    def __init__(self, configs: Iterable[BotConfig], store: Store,
                 settings: RunnerSettings | None = None, *, stop_grace_s: float = 10.0) -> None:
        self.store = store
        self.settings = settings or RunnerSettings()
        self._configs = list(configs)
        self._bots: dict[str, BotTask] = {}
        self._grace = stop_grace_s
        self._started = False

    async def start(self) -> None:
        self._started = True
        await self.update_bots(self._configs)

    async def update_bots(self, configs: Iterable[BotConfig]) -> None:
        """Run exactly these bots (those with a linked group): new ones start, removed ones
        stop, changed ones (token, key, group) restart with their new config."""
        self._configs = list(configs)
        if not self._started:
            return
        wanted = {c.bot_id: c for c in self._configs if c.group_chat_id is not None}
        gone = [bot_id for bot_id, task in self._bots.items() if wanted.get(bot_id) != task.config]
        await asyncio.gather(*(self._bots.pop(bot_id).stop(self._grace) for bot_id in gone))
        for bot_id, config in wanted.items():
            if bot_id not in self._bots:
                self._bots[bot_id] = BotTask(config, self.store, self.settings)

    async def stop(self, grace_s: float | None = None) -> None:
        """Stop every bot: the event in hand is finished (within the grace), nothing new taken."""
        self._started = False
        bots, self._bots = list(self._bots.values()), {}
        await asyncio.gather(*(bot.stop(self._grace if grace_s is None else grace_s) for bot in bots))

    def status(self, bot_id: str) -> BotStatus | None:
        task = self._bots.get(bot_id)
        return task.status if task else None

    @property
    def bot_ids(self) -> list[str]:
        return list(self._bots)

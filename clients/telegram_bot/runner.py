"""The runner: every bot it is given, each with its own runtime (Bot API client, send queue,
SDK client), its window while a group is linked (a supervised task: one bot's slowness or
failure never stops another's; a failed window restarts after a capped exponential backoff
with jitter and resumes from its stored position), and its poller for polling delivery.
Updates of every bot go through one aiogram Dispatcher (dispatch.py).

    runner = Runner(configs, Store(database_url))
    await runner.start()
    await runner.handle_update(bot_id, body)   # a webhook update (the composition root's consumer)
    await runner.update_bots(new_configs)      # bots added, removed or changed at run time
    await runner.stop(grace_s=10)               # what is in flight finishes within the grace
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from aiogram.types import Update
from switchboard_sdk import Backoff, Switchboard

from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.commands import set_commands
from clients.telegram_bot.config import BotConfig, RunnerSettings
from clients.telegram_bot.dispatch import STORAGE, build_dispatcher, feed, parse
from clients.telegram_bot.errors import TransientUpdateError, UnknownBot
from clients.telegram_bot.polling import Poller
from clients.telegram_bot.sending.queue import SendQueue
from clients.telegram_bot.store import Store
from clients.telegram_bot.telegram import Group, make_bot
from clients.telegram_bot.window.follow import BotWindow

log = logging.getLogger("clients.telegram_bot")


@dataclass(frozen=True)
class BotStatus:
    bot_id: str
    running: bool  # a window is following the live events now
    restarts: int
    handled: int  # events handled by the current (or the last) window
    last_error: str | None
    position: str | None  # the live stream's last event id (set once it has subscribed)
    polled: int = 0  # updates handled from getUpdates (polling delivery)


class BotTask:
    """One bot's window, restarted after failures until stopped."""

    def __init__(self, config: BotConfig, store: Store, settings: RunnerSettings,
                 rt: BotRuntime) -> None:
        self.config, self.store, self.settings, self.rt = config, store, settings, rt
        self._backoff = Backoff(settings.restart_base_s, settings.restart_cap_s)
        self._stopping = asyncio.Event()
        self._window: BotWindow | None = None
        self._handled = self._restarts = 0
        self._last_error: str | None = None
        self._began = datetime.now(UTC)  # a first start looks back from here, restarts too
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
        config, rt = self.config, self.rt
        assert config.group_chat_id is not None
        window = BotWindow(config, self.store, self.settings, sb=rt.sb,
                           group=Group(rt.bot, rt.queue, config.group_chat_id), began=self._began)
        try:
            self._window = window
            if not self._stopping.is_set():
                await window.run()
        finally:
            self._window, self._handled = None, window.handled


class RunningBot:
    """A bot while it runs: its runtime (updates are handled with or without a group), its
    window while a group is linked, its poller when it polls."""

    def __init__(self, runner: Runner, config: BotConfig) -> None:
        settings = runner.settings
        self.rt = BotRuntime(
            config, runner.store, settings, on_group=runner._group_changed,
            bot=make_bot(config.token, config.telegram_api_base_url, settings.request_timeout_s),
            queue=SendQueue(settings.pacing, settings.retries, max_pending=settings.max_pending),
            sb=Switchboard(config.api_base_url, api_key=config.api_key,
                           timeout=settings.request_timeout_s))
        self.window = self._window(config)
        self.poller = Poller(self.rt, runner._feed) if config.delivery == "polling" else None
        self.closing = False
        STORAGE.bind(self.rt.bot.id, runner.store, self.rt.tenant_id, config.bot_id)
        self.menus = asyncio.create_task(set_commands(self.rt), name=f"menus-{config.bot_id}")

    @property
    def config(self) -> BotConfig:
        return self.rt.config

    @property
    def status(self) -> BotStatus:
        polled = self.poller.handled if self.poller else 0
        if self.window is None:
            return BotStatus(self.config.bot_id, False, 0, 0, None, None, polled)
        return replace(self.window.status, polled=polled)

    def _window(self, config: BotConfig) -> BotTask | None:
        if config.group_chat_id is None:
            return None
        return BotTask(config, self.rt.store, self.rt.settings, self.rt)

    async def regroup(self, config: BotConfig, grace_s: float) -> None:
        """The same bot with another group (or none): only its window restarts."""
        if self.window is not None:
            await self.window.stop(grace_s)
        self.rt.config = config
        self.window = self._window(config)

    async def stop(self, grace_s: float) -> None:
        self.closing = True
        self.menus.cancel()
        await asyncio.gather(*(part.stop(grace_s) for part in (self.window, self.poller) if part),
                             self.menus, return_exceptions=True)
        STORAGE.unbind(self.rt.bot.id, self.config.bot_id)
        await self.rt.close()


def _same_but_group(a: BotConfig, b: BotConfig) -> bool:
    return replace(a, group_chat_id=None) == replace(b, group_chat_id=None)


class Runner:
    def __init__(self, configs: Iterable[BotConfig], store: Store,
                 settings: RunnerSettings | None = None, *, stop_grace_s: float = 10.0) -> None:
        self.store = store
        self.settings = settings or RunnerSettings()
        self._configs = list(configs)
        self._bots: dict[str, RunningBot] = {}
        self._grace = stop_grace_s
        self._started = False
        self._lock = asyncio.Lock()
        self._dispatcher = build_dispatcher()
        self._background: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._started = True
        await self.update_bots(self._configs)

    async def update_bots(self, configs: Iterable[BotConfig]) -> None:
        """Run exactly these bots: new ones start, removed ones stop, changed ones (token, key,
        delivery) restart with their new config; a changed group restarts the window only."""
        async with self._lock:
            self._configs = list(configs)
            if not self._started:
                return
            wanted = {c.bot_id: c for c in self._configs}
            changes = []
            for bot_id, running in list(self._bots.items()):
                new = wanted.get(bot_id)
                if new == running.config:
                    continue
                if new is not None and _same_but_group(new, running.config):
                    changes.append(running.regroup(new, self._grace))
                else:
                    changes.append(self._bots.pop(bot_id).stop(self._grace))
            await asyncio.gather(*changes)
            for bot_id, config in wanted.items():
                if bot_id not in self._bots:
                    self._bots[bot_id] = RunningBot(self, config)

    async def handle_update(self, bot_id: str, body: bytes) -> None:
        """Handle one raw Telegram Update (JSON bytes, as Telegram posted it) of the bot;
        returns once handled. Raises UnknownBot (refresh the registry and retry once),
        TransientUpdateError (deliver it again later), anything else: poison."""
        running = self._bots.get(bot_id)
        if running is None:
            raise UnknownBot(bot_id)
        update = parse(running.rt, body)
        try:
            await self._feed(running.rt, update)
        except TransientUpdateError:
            raise
        except Exception as exc:
            if running.closing:  # stopped (or restarted) under it: not the update's fault
                raise TransientUpdateError(f"bot {bot_id} is stopping") from exc
            raise

    async def _feed(self, rt: BotRuntime, update: Update) -> None:
        await feed(self._dispatcher, rt, update)

    async def _group_changed(self, bot_id: str, chat_id: int | None) -> None:
        """A handler linked or unlinked the bot's group: restart its window there, in the
        background (the handler answers the person meanwhile; the poller that runs the
        handler is not waited on)."""
        task = asyncio.create_task(self._regroup(bot_id, chat_id))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _regroup(self, bot_id: str, chat_id: int | None) -> None:
        async with self._lock:
            running = self._bots.get(bot_id)
            if running is None:
                return
            config = replace(running.config, group_chat_id=chat_id)
            self._configs = [config if c.bot_id == bot_id else c for c in self._configs]
            await running.regroup(config, self._grace)
        log.info("telegram: bot %s now posts to %s", bot_id, chat_id)

    async def stop(self, grace_s: float | None = None) -> None:
        """Stop every bot: the event in hand is finished (within the grace), nothing new taken."""
        self._started = False
        await asyncio.gather(*self._background, return_exceptions=True)
        async with self._lock:
            bots, self._bots = list(self._bots.values()), {}
        await asyncio.gather(*(bot.stop(self._grace if grace_s is None else grace_s) for bot in bots))

    def status(self, bot_id: str) -> BotStatus | None:
        running = self._bots.get(bot_id)
        return running.status if running else None

    @property
    def bot_ids(self) -> list[str]:
        return list(self._bots)

    def config(self, bot_id: str) -> BotConfig | None:
        """The bot's config as it runs now (its group as linked through the bot, too)."""
        running = self._bots.get(bot_id)
        return running.config if running else None

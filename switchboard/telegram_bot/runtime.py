"""Builds the telegram_bot process: the runner of every tenant's bot (`clients.telegram_bot`)
with its store, fed its bots by the registry loop (channels' ListTelegramBotCredentials, as
the `telegram_bot` caller) and its Telegram updates by the durable `telegram-bot-updates`;
gRPC health, /metrics (served by the process like every component's).

The runner is a third-party-style client and imports nothing of ours: this is where it meets
the platform (its settings, the registry, the bus).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import grpc

from clients.rpc import topics
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.telegram_bot import Pacing, Runner, RunnerSettings, Store
from services.kernel.bus import Bus, ConsumerSpec, run_consumers
from services.kernel.runtime import finish_tasks
from services.kernel.wire import DEAD_LETTER
from switchboard.telegram_bot import metrics
from switchboard.telegram_bot.config import TelegramBotSettings
from switchboard.telegram_bot.consumer import UpdateConsumer
from switchboard.telegram_bot.health import HealthServer
from switchboard.telegram_bot.registry import Registry

log = logging.getLogger(__name__)

COMPONENT = "telegram_bot"
# How often the runner's per-bot status becomes the metrics.
SAMPLE_EVERY_S = 5.0
FOLLOW_POLL_S = 0.05

Loop = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


@dataclass
class TelegramBotRuntime:
    """Started and stopped like a service's runtime (`quiesce`, then `close`): the consumer and
    the registry loop first, then the runner (what it has in hand finishes within the grace),
    then the connections."""

    bus: Bus
    runner: Runner
    store: Store
    registry: Registry
    channel: grpc.aio.Channel
    health: HealthServer
    consumers: list[ConsumerSpec] = field(default_factory=list)
    name: str = COMPONENT
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _closed: bool = False

    async def start(self) -> None:
        await self.health.start()
        await self.runner.start()
        with contextlib.suppress(Exception):  # logged; the loop retries, nothing runs meanwhile
            await self.registry.refresh()
        loops: list[Loop] = [self.registry.run, self._sample]
        if self.consumers:
            loops.append(lambda stop: run_consumers(self.bus, self.consumers, stop))
        self._tasks = [asyncio.create_task(loop(self._stop), name=f"{self.name}:loop")
                       for loop in loops]
        await self.health.serving()
        log.info("telegram bot runner started", extra={"health": self.health.address})

    async def quiesce(self, grace_s: float = 10) -> None:
        """Health NOT_SERVING; the consumer finishes the update in hand, the registry loop
        its read; then the runner stops its bots within the grace. Idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        await self.health.draining()
        await finish_tasks(self._tasks, grace_s)
        await self.runner.stop(grace_s)

    async def close(self, grace_s: float = 10) -> None:
        if self._closed:
            return
        self._closed = True
        await self.quiesce(grace_s)
        await self.health.stop()
        await self.bus.close()
        await self.store.close()
        await self.channel.close()
        log.info("telegram bot runner stopped")

    async def stop(self, grace_s: float = 10) -> None:
        await self.quiesce(grace_s)
        await self.close(grace_s)

    async def following(self, bot_id: str, within_s: float = 30.0) -> None:
        """Read the registry now and wait until the bot's window follows its tenant's live
        events (the dev stack's sandbox bot: ready means it posts whatever comes next; a
        bot's first window starts from that moment). TimeoutError past `within_s`."""
        await self.registry.refresh()
        for _ in range(max(1, round(within_s / FOLLOW_POLL_S))):  # the runner has no event
            status = self.runner.status(bot_id)
            if status is not None and status.position is not None:
                return
            await asyncio.sleep(FOLLOW_POLL_S)
        raise TimeoutError(f"bot {bot_id} not following its live events within {within_s} s")

    async def _sample(self, stop: asyncio.Event) -> None:
        sampler = metrics.RunnerSampler(self.runner)
        while not stop.is_set():
            sampler.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)


def runner_settings(settings: TelegramBotSettings) -> RunnerSettings:
    return RunnerSettings(pacing=Pacing(enabled=settings.telegram_bot_pacing),
                          request_timeout_s=settings.telegram_bot_request_timeout_s,
                          window_lanes=settings.telegram_bot_window_lanes,
                          alert_check_s=settings.telegram_bot_alert_check_s,
                          channel_check_s=settings.telegram_bot_problem_check_s)


async def build_runtime(settings: TelegramBotSettings) -> TelegramBotRuntime:
    metrics.initialize()
    caller = settings.caller(COMPONENT)
    bus = await Bus.connect_as(settings, COMPONENT)
    try:
        await bus.require_streams([topics.TELEGRAM_BOT_UPDATES.topic.stream, DEAD_LETTER])
    except BaseException:
        await bus.close()
        raise
    store = Store(settings.database_url, pool_size=settings.database_pool_size)
    runner = Runner([], store, runner_settings(settings), stop_grace_s=settings.shutdown_grace_s)
    channel = open_channel(settings.channels_target, caller)
    registry = Registry(ChannelsClient(channel, caller), settings, runner.update_bots)
    return TelegramBotRuntime(bus=bus, runner=runner, store=store, registry=registry,
                              channel=channel, health=HealthServer(settings),
                              consumers=[UpdateConsumer(runner, registry, settings).spec()])

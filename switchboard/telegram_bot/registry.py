"""The bots the runner serves: every tenant's, read from channels (ListTelegramBotCredentials,
as the `telegram_bot` caller) every refresh interval and handed to the runner. A failed read
changes nothing (the runner keeps its last known bots) and is retried after a capped step with
jitter; a streak of failures is logged once, and its end once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.telegram_bot import BotConfig
from services.kernel import backoff
from switchboard.telegram_bot import metrics
from switchboard.telegram_bot.config import TelegramBotSettings

log = logging.getLogger(__name__)

# The first retry after a failed read comes after about this long; later ones double.
RETRY_BASE_S = 1.0


class Registry:
    def __init__(self, channels: ChannelsClient, settings: TelegramBotSettings,
                 apply: Callable[[Iterable[BotConfig]], Awaitable[None]]) -> None:
        self.channels, self.settings, self._apply = channels, settings, apply
        self._bots: dict[str, BotConfig] = {}
        self._lock = asyncio.Lock()
        self._read_began = -float("inf")  # monotonic: when the last successful read began
        self._failures = 0

    def tenant_of(self, bot_id: str) -> str | None:
        config = self._bots.get(bot_id)
        return config.tenant_id if config else None

    async def refresh(self) -> None:
        """Read every page, then give the runner exactly these bots. Raises if a read fails
        (the runner keeps what it has)."""
        async with self._lock:
            await self._refresh()

    async def refresh_after(self, moment: float) -> None:
        """A read that began after `moment` (monotonic), made now unless one was made since;
        never sooner than `telegram_bot_forced_refresh_min_s` after the last, so a removed
        bot's late updates do not become a storm of reads."""
        async with self._lock:
            if self._read_began > moment:
                return
            wait = self._read_began + self.settings.telegram_bot_forced_refresh_min_s \
                - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            await self._refresh()

    async def run(self, stop: asyncio.Event) -> None:
        """Read again every refresh interval until `stop`; failures back off with jitter."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._next_wait())
            if stop.is_set():
                return
            with contextlib.suppress(Exception):  # counted and logged by _refresh
                await self.refresh()

    def _next_wait(self) -> float:
        if not self._failures:
            return self.settings.telegram_bot_refresh_s
        return backoff.equal_jitter(self._failures, RETRY_BASE_S,
                                    self.settings.telegram_bot_refresh_backoff_max_s)

    async def _refresh(self) -> None:
        began = time.monotonic()
        try:
            bots = await self._read()
        except Exception as exc:
            metrics.REGISTRY_READS.labels("error").inc()
            self._failures += 1
            if self._failures == 1:  # once per streak; the runner keeps its last known bots
                log.warning("telegram: reading the bot registry failed, retrying with backoff",
                            extra={"error": str(exc)})
            raise
        metrics.REGISTRY_READS.labels("ok").inc()
        if self._failures:
            log.info("telegram: the bot registry is readable again",
                     extra={"failed_reads": self._failures})
        self._failures, self._read_began = 0, began
        self._bots = {bot.bot_id: bot for bot in bots}
        metrics.BOTS.labels("registered").set(len(bots))
        await self._apply(bots)

    async def _read(self) -> list[BotConfig]:
        bots: list[BotConfig] = []
        after = ""
        while True:
            page = await self.channels.list_telegram_bot_credentials(
                after, limit=self.settings.telegram_bot_page_size)
            bots += [self._config(bot) for bot in page.bots]
            if not page.next_after:
                return bots
            after = page.next_after

    def _config(self, bot: pb.TelegramBotCredentials) -> BotConfig:
        return BotConfig(
            bot_id=bot.bot_id, tenant_id=bot.tenant_id, token=bot.token,
            api_key=bot.runner_api_key, group_chat_id=bot.group_chat_id or None,
            api_base_url=self.settings.gateway_url,
            telegram_api_base_url=self.settings.telegram_api_base_url,
            delivery="polling" if bot.delivery == pb.TELEGRAM_DELIVERY_POLLING else "webhook",
            handoff_alert_after_s=self.settings.telegram_bot_handoff_alert_after_s,
            connect_sandbox=self.settings.telegram_bot_connect_sandbox)

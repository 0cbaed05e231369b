"""The durable `telegram-bot-updates`: Telegram updates the gateway verified and published,
handed to the runner (`Runner.handle_update`). Acked once handled; a transient failure is
redelivered after a delay; an update for a bot the runner does not know makes it read the
registry (once) and try again; anything else is dead-lettered with its reason."""

from __future__ import annotations

import time

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.telegram_bot import Runner, TransientUpdateError, UnknownBot
from services.kernel.bus import ConsumerSpec, Delivery, Poison, Retry
from switchboard.telegram_bot import metrics
from switchboard.telegram_bot.config import TelegramBotSettings
from switchboard.telegram_bot.registry import Registry


class UpdateConsumer:
    def __init__(self, runner: Runner, registry: Registry, settings: TelegramBotSettings) -> None:
        self.runner, self.registry, self.settings = runner, registry, settings

    def spec(self) -> ConsumerSpec:
        settings = self.settings
        return ConsumerSpec(
            topics.TELEGRAM_BOT_UPDATES, self.handle,
            max_deliver=settings.telegram_bot_max_deliveries,
            backoff_s=settings.telegram_bot_retry_backoff_s,
            # One bot's updates in order, different bots' side by side.
            concurrency=settings.telegram_bot_concurrency, order_key=_bot_of,
            # A handler may wait for Telegram's pacing or a forced registry read.
            ack_wait_s=max(60.0, 3 * settings.telegram_bot_request_timeout_s))

    async def handle(self, delivery: Delivery) -> None:
        try:
            await self._handle(delivery)
        except Retry:
            last = delivery.attempt >= self.settings.telegram_bot_max_deliveries
            metrics.UPDATES.labels("dead_letter" if last else "retry").inc()
            raise
        except Poison:
            metrics.UPDATES.labels("dead_letter").inc()
            raise
        metrics.UPDATES.labels("handled").inc()

    async def _handle(self, delivery: Delivery) -> None:
        event: channel_events.TelegramUpdateReceived = delivery.event
        began = time.monotonic()
        try:
            await self._once(delivery, event)
        except UnknownBot:
            try:
                await self.registry.refresh_after(began)
            except Exception as exc:
                raise Retry(f"the bot registry is unreadable: {exc}") from exc
            try:
                await self._once(delivery, event)
            except UnknownBot as exc:
                raise Poison(f"bot {event.bot_id} is not in the registry (removed?)") from exc

    async def _once(self, delivery: Delivery,
                    event: channel_events.TelegramUpdateReceived) -> None:
        owner = self.registry.tenant_of(event.bot_id)
        if owner is not None and owner != str(delivery.tenant_id):
            raise Poison(f"bot {event.bot_id} belongs to another tenant than the subject's")
        try:
            await self.runner.handle_update(event.bot_id, event.body)
        except (UnknownBot, Retry, Poison):
            raise
        except TransientUpdateError as exc:
            raise Retry(f"transient: {exc}") from exc
        except Exception as exc:
            raise Poison(f"{type(exc).__name__}: {exc}") from exc


def _bot_of(delivery: Delivery) -> str:
    try:
        return str(delivery.event.bot_id)
    except Poison:  # undecodable: its own lane, dead-lettered by the handler
        return ""

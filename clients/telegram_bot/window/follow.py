"""One bot's single window: the tenant's live events (`conversationEvents` through the SDK)
turned into forum topics of the bot's group.

Each conversation's events are handled in the order the platform gives them, several
conversations side by side (`lanes.py`: the runner's own work per event then overlaps the
sends instead of sitting between them), and the position stored is the last event before which
everything is handled: a restart resumes there, and what it replays is found already posted. A
reset (the gap is too old to replay) waits for the lanes and is reconciled from the lists.

A first start (no stored position: the group was just linked) begins "now", yet buyers may
have written between the link and the subscription (the runner learns of a group within the
registry's refresh). So once subscribed it reconciles the conversations active since the bot
first ran here minus `first_start_lookback_s` (the public API does not tell when the group was
linked), before it handles any event, and stores its position only then: a failure restarts it
as a first start again. The posts table makes it idempotent.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta

from switchboard_sdk import (
    CONVERSATION_HANDOFF_REQUESTED,
    CONVERSATION_UPDATED,
    MESSAGE_CREATED,
    MESSAGE_RECEIVED,
    MESSAGE_STATUS_CHANGED,
    MESSAGE_UPDATED,
    NOTE_ADDED,
    ConversationEvent,
    EventStream,
    LiveEvent,
    ResetEvent,
    SenderKind,
    Switchboard,
)

from clients.telegram_bot.config import BotConfig, RunnerSettings
from clients.telegram_bot.console.alerts import Alerts
from clients.telegram_bot.ledger import Ledger
from clients.telegram_bot.store import Scope, Store
from clients.telegram_bot.telegram import Group
from clients.telegram_bot.window.delivery import Delivery
from clients.telegram_bot.window.lanes import Lanes
from clients.telegram_bot.window.posting import Poster
from clients.telegram_bot.window.reconcile import reconcile
from clients.telegram_bot.window.topics import Topics

log = logging.getLogger("clients.telegram_bot")
_POSTED = (MESSAGE_RECEIVED, MESSAGE_CREATED, NOTE_ADDED)


class BotWindow:
    def __init__(self, config: BotConfig, store: Store, settings: RunnerSettings, *,
                 sb: Switchboard, group: Group, began: datetime | None = None) -> None:
        assert config.group_chat_id is not None
        self.tenant_id = uuid.UUID(config.tenant_id)
        self.bot_id, self.store, self.sb, self.settings = config.bot_id, store, sb, settings
        self.scope = Scope(self.tenant_id, config.bot_id, config.group_chat_id)
        self.topics = Topics(store, self.scope, group, sb, settings)
        self.poster = Poster(store, self.scope, group, self.topics, settings)
        self.delivery = Delivery(Ledger(store), self.scope, group, settings)
        self.alerts = Alerts(config, store, settings, sb=sb, group=group, poster=self.poster,
                             scope=self.scope)
        self.handled = 0
        self._since: datetime | None = None  # when the last event handled was
        self._began = began or datetime.now(UTC)  # when the bot's first window here began
        self._stream: EventStream | None = None
        self._stopping = False
        self._closing: set[asyncio.Task[None]] = set()  # a stream's close under way

    async def run(self) -> None:
        """Follow the live events until `interrupt` (or a failure, raised to the supervisor)."""
        cursor = await self.store.cursor(self.tenant_id, self.bot_id)
        after = cursor.last_event_id if cursor else None
        self._since = cursor.updated_at if cursor else None
        stream = self._stream = self.sb.conversation_events(after=after)
        watcher = None
        if after is None:  # a failed first start closes the stream: run() raises its error
            watcher = asyncio.create_task(self._first_start(stream))
            watcher.add_done_callback(self._close_if_failed)
        alerts = asyncio.create_task(self.alerts.watch(), name=f"alerts-{self.bot_id}")
        lanes = Lanes[LiveEvent](self._work, self._reached, width=self.settings.window_lanes,
                                 depth=4 * self.settings.window_lanes,
                                 failed=self._close_stream)
        try:
            async with stream:
                if self._stopping:
                    return
                async for event in stream:
                    if watcher is not None:  # what came before the subscription goes first
                        await watcher
                    if isinstance(event, ResetEvent):
                        await lanes.drain()  # the reconcile starts from what is handled
                        await self._work(event)
                        await self._reached(event)
                    else:
                        await lanes.put(event.conversation.id, event)
                    if self._stopping:
                        break
            if self._stopping:
                await lanes.stop()
            else:
                await lanes.drain()  # the stream ended (closed): finish what it gave
            if watcher is not None and watcher.done() and not watcher.cancelled():
                watcher.result()  # raises what failed the first start
        finally:
            await lanes.cancel()
            alerts.cancel()
            if watcher is not None:
                watcher.cancel()
            await asyncio.gather(alerts, return_exceptions=True)

    async def _work(self, event: LiveEvent) -> None:
        await self.handle(event)
        self.handled += 1

    async def _reached(self, event: LiveEvent) -> None:
        """`event` and every one before it are handled: store the position."""
        await self.store.save_cursor(self.tenant_id, self.bot_id, event.event_id)
        self._since = datetime.now(UTC)

    @property
    def position(self) -> str | None:
        """The stream's last event id: where it began (once subscribed) or the last event."""
        return self._stream.last_event_id if self._stream is not None else None

    async def interrupt(self) -> None:
        """Stop after the event in hand (a waiting stream is closed at once)."""
        self._stopping = True
        if self._stream is not None:
            await self._stream.aclose()

    async def handle(self, event: LiveEvent) -> None:
        if isinstance(event, ResetEvent):
            log.warning("telegram: live events reset (%s), reconciling", event.reason,
                        extra={"bot_id": self.bot_id})
            since = self._since or datetime.now(UTC) - timedelta(
                seconds=self.settings.reconcile_horizon_s)
            await reconcile(self.sb, self.poster, self.topics, since, self.settings)
            return
        assert isinstance(event, ConversationEvent)
        if event.type in _POSTED and event.message is not None:
            if event.type == MESSAGE_CREATED and event.message.sender == SenderKind.USER:
                # Perhaps a manager's reply from a topic: posted there already once linked.
                await self.delivery.settle(event.conversation.id)
            await self.poster.message(event.conversation, event.message)
        elif event.type in (MESSAGE_STATUS_CHANGED, MESSAGE_UPDATED) and event.message is not None:
            await self.delivery.show(event.message)
        elif event.type == CONVERSATION_UPDATED:
            await self.topics.refresh(event.conversation)
        elif event.type == CONVERSATION_HANDOFF_REQUESTED:
            await self.topics.refresh(event.conversation)
            await self.poster.handoff(event.conversation)
            await self.alerts.handoff(event.conversation)
        # Other types (statuses, reads, a newer server's) change nothing in the window.

    def _close_if_failed(self, task: asyncio.Task[None]) -> None:
        """A first start that failed ends the stream (which may be waiting for an event)."""
        if not task.cancelled() and task.exception() is not None:
            self._close_stream()

    def _close_stream(self) -> None:
        """End the stream from outside its loop (a failure elsewhere ends the window)."""
        if self._stream is not None:
            closing = asyncio.create_task(self._stream.aclose())
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)

    async def _first_start(self, stream: EventStream) -> None:
        """Once the first subscription has begun (the SDK offers no signal for it, only the
        attribute), post what became active since the bot began here, then keep the start
        position so a restart resumes from there."""
        while True:  # cancelled with run(); the first event (if sooner) sets it too
            if stream.last_event_id is not None:
                break
            await asyncio.sleep(0.05)
        since = self._began - timedelta(seconds=self.settings.first_start_lookback_s)
        looked = await reconcile(self.sb, self.poster, self.topics, since, self.settings)
        log.info("telegram: first start, %d recent conversations looked at", looked,
                 extra={"bot_id": self.bot_id})
        if not self.handled and stream.last_event_id is not None:
            await self.store.save_cursor(self.tenant_id, self.bot_id, stream.last_event_id)

"""Alerts in the bot's group, beside the window (through the same send queue):

- a handoff: the managers are mentioned in the conversation's topic (linked, active people:
  their @username, else a text mention), and its deadline is stored; a handoff still waiting
  when it is due (not cleared by a reply, an assignment, a resolve or AI mode) gets one alert
  in the General topic with a link to the topic. Deadlines live in the store, so a restart
  forgets none; each alert is a claimed post, so two replicas post it once;
- channel problems: every `channel_check_s` the diagnostics of each active account; when the
  failing checks change, an alert says what appeared (with the fix) and what cleared. The set
  told is stored (compare and set): nothing is repeated while it stays the same;
- the AI model, on the same cycle: when the agent's health (`agent_health`, from the platform's
  audit) becomes failing, one alert says what failed and what to do; when it is ok again, one
  "recovered". Told the same way, under the row `MODEL_ROW` of the channels' table (unknown,
  no result lately, changes nothing: a quiet night is no recovery);
- outgoing webhooks, on the same cycle: an endpoint whose circuit breaker paused it (or that
  answered 410 Gone and was disabled) is told once with the reason and when it is tried next,
  and once when it delivers again (rows `webhook:<endpoint id>`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from switchboard_sdk import (
    AgentModelState,
    ChannelStatus,
    Conversation,
    Handoff,
    Switchboard,
    SwitchboardError,
    WebhookEndpoint,
    WebhookEndpointState,
)

from clients.telegram_bot.config import BotConfig, RunnerSettings
from clients.telegram_bot.console import phrases as say
from clients.telegram_bot.console.store import ConsoleStore, DueHandoff
from clients.telegram_bot.render import Text
from clients.telegram_bot.sending.queue import Rejected, Unavailable
from clients.telegram_bot.store import Claim, Scope, Store
from clients.telegram_bot.telegram import Group
from clients.telegram_bot.window.posting import Poster

log = logging.getLogger("clients.telegram_bot")
# The checks worth waking someone for: Avito refusing the token or the Messenger API, the
# webhook unsubscribed or silent, sync failing. (public_url is the platform's own setting.)
WATCHED = ("credentials", "messenger_access", "webhook_subscription", "last_webhook", "sync")
# The model's state told last, beside the channels' problems (no channel id looks like it).
MODEL_ROW, MODEL_FAILING = "agent:model", "failing"
# An outgoing webhook endpoint's state told last (`webhook:<endpoint id>`).
WEBHOOK_ROW, WEBHOOK_PAUSED, WEBHOOK_GONE = "webhook:", "paused", "gone"


def handoff_key(handoff: Handoff) -> str:
    """The same key the topic's marker is posted under (one handoff, one key)."""
    return handoff.requested_at.isoformat() if handoff.requested_at else handoff.reason[:40]


def topic_link(chat_id: int, thread_id: int | None) -> str | None:
    """t.me link to a topic of a supergroup (-100<id>)."""
    text = str(chat_id)
    if thread_id is None or not text.startswith("-100"):
        return None
    return f"https://t.me/c/{text[4:]}/{thread_id}"


class Alerts:
    def __init__(self, config: BotConfig, store: Store, settings: RunnerSettings, *,
                 sb: Switchboard, group: Group, poster: Poster, scope: Scope) -> None:
        self.config, self.store, self.settings, self.sb = config, store, settings, sb
        self.group, self.poster, self.scope = group, poster, scope
        self.rows = ConsoleStore(store)

    async def handoff(self, conversation: Conversation) -> None:
        """Called after the topic's marker: mention the managers, remember the deadline."""
        found = conversation.handoff
        if found is None:
            return
        key = handoff_key(found)
        mentions = [say.mention(link.telegram_username, link.telegram_user_id, link.user.name)
                    for link in await self.sb.telegram_links() if link.user.active]
        await self.poster.publish(conversation, f"managers:{conversation.id}:{key}",
                                  [Text(say.managers_called(mentions))])
        await self.rows.handoff_waits(self.scope.tenant_id, self.config.bot_id, conversation.id,
                                      key, timedelta(seconds=self.config.handoff_alert_after_s))

    async def watch(self) -> None:
        """Until cancelled: overdue handoffs every `alert_check_s`, channels every
        `channel_check_s`. A failed round is logged and tried again next time."""
        next_channels = time.monotonic() + self.settings.channel_check_s
        while True:
            with _logged("overdue handoffs"):
                await self.overdue()
            if time.monotonic() >= next_channels:
                next_channels = time.monotonic() + self.settings.channel_check_s
                with _logged("channel problems"):
                    await self.channels()
                with _logged("the AI model"):
                    await self.model()
                with _logged("outgoing webhooks"):
                    await self.webhooks()
            await asyncio.sleep(self.settings.alert_check_s)

    async def overdue(self) -> None:
        for due in await self.rows.claim_due_handoffs(self.scope.tenant_id, self.config.bot_id,
                                                      self.settings.claim_lease_s):
            conversation = await self.sb.conversation(due.conversation_id)
            waiting = conversation.handoff
            if waiting is None or handoff_key(waiting) != due.requested_at:
                await self._done(due, "picked_up")
                continue
            await self._general(f"overdue:{due.conversation_id}:{due.requested_at}",
                                due.conversation_id, await self._overdue_text(conversation))
            await self._done(due, "alerted")

    async def _overdue_text(self, conversation: Conversation) -> str:
        topic = await self.store.topic(self.scope, conversation.id)
        title = (topic.name if topic and topic.name
                 else (conversation.contact.name if conversation.contact else None) or conversation.id)
        return say.handoff_overdue(self.config.handoff_alert_after_s, title, topic_link(
            self.scope.chat_id, topic.thread_id if topic else None))

    async def _done(self, due: DueHandoff, outcome: str) -> None:
        await self.rows.handoff_done(self.scope.tenant_id, self.config.bot_id, due, outcome)

    async def channels(self) -> None:
        told = await self.rows.channel_problems(self.scope.tenant_id, self.config.bot_id)
        for channel in await self.sb.channels():
            if channel.status != ChannelStatus.ACTIVE:
                continue
            diagnosis = await self.sb.channel_diagnostics(channel.id)
            failing = {c.name: c for c in diagnosis.checks if not c.ok and c.name in WATCHED}
            now, before = sorted(failing), told.get(channel.id, [])
            if now == before or not await self.rows.change_problems(
                    self.scope.tenant_id, self.config.bot_id, channel.id, before, now):
                continue
            lines = [say.problem(c.name, c.message, c.fix) for n, c in failing.items()
                     if n not in before]
            cleared = [n for n in before if n not in failing]
            if cleared:
                lines.append("✅ устранено: " + ", ".join(cleared))
            html = (say.channel_problems(channel.name, lines) if now
                    else say.channel_fine(channel.name))
            await self._general(f"channel:{channel.id}:{','.join(now)}:{time.time_ns()}",
                                channel.id, html)

    async def model(self) -> None:
        health = await self.sb.agent_health()
        before = (await self.rows.channel_problems(self.scope.tenant_id, self.config.bot_id)
                  ).get(MODEL_ROW, [])
        if health.state == AgentModelState.FAILING:
            now = [MODEL_FAILING]
        elif health.state == AgentModelState.OK:
            now = []
        else:
            return
        if now == before or not await self.rows.change_problems(
                self.scope.tenant_id, self.config.bot_id, MODEL_ROW, before, now):
            return
        html = say.model_failing(health) if now else say.model_recovered(health)
        await self._general(f"model:{','.join(now)}:{time.time_ns()}", MODEL_ROW, html)

    async def webhooks(self) -> None:
        told = await self.rows.channel_problems(self.scope.tenant_id, self.config.bot_id)
        endpoints = (await self.sb.webhook_endpoints(first=100)).items
        rows = {f"{WEBHOOK_ROW}{e.id}": e for e in endpoints}
        for row, endpoint in rows.items():
            now, before = _webhook_problems(endpoint), told.get(row, [])
            if now == before or not await self.rows.change_problems(
                    self.scope.tenant_id, self.config.bot_id, row, before, now):
                continue
            html = say.webhook_failing(endpoint) if now else say.webhook_recovered(endpoint)
            await self._general(f"{row}:{','.join(now)}:{time.time_ns()}", row, html)

    async def _general(self, key: str, about: str, html: str) -> None:
        """A post in the General topic, claimed under `key` (posted once)."""
        post = await self.store.claim_post(self.scope, key, about, self.settings.claim_lease_s)
        if post.claim is not Claim.MINE:
            return
        message_id = await self.group.post(None, Text(html))
        await self.store.post_part(self.scope, post, message_id)
        await self.store.post_done(self.scope, post)


def _webhook_problems(endpoint: WebhookEndpoint) -> list[str]:
    if endpoint.state == WebhookEndpointState.PAUSED:
        return [WEBHOOK_PAUSED]
    if endpoint.state == WebhookEndpointState.DISABLED and endpoint.paused_reason:
        return [WEBHOOK_GONE]  # disabled by the platform (410 Gone), not by a person
    return []


@contextlib.contextmanager
def _logged(what: str) -> Iterator[None]:
    try:
        yield
    except (SwitchboardError, Rejected, Unavailable, SQLAlchemyError, OSError) as exc:
        log.warning("telegram: alerts (%s) failed this round: %s", what, exc)

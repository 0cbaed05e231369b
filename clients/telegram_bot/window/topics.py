"""A conversation's forum topic: made on its first message (claimed first, so two events or two
replicas make one), its card posted as the first post, and kept up to date (name and card
edited when the buyer, listing, mode or status change)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

from switchboard_sdk import Conversation, Switchboard

from clients.telegram_bot import render
from clients.telegram_bot.config import RunnerSettings
from clients.telegram_bot.group.buttons import card_keyboard
from clients.telegram_bot.people import Assignees
from clients.telegram_bot.sending.queue import Reason, Rejected
from clients.telegram_bot.store import Claim, Scope, Store, Topic
from clients.telegram_bot.telegram import Group

log = logging.getLogger("clients.telegram_bot")


class ClaimTimeout(Exception):
    """Another holder kept a claim far longer than any post takes: give up for now."""


@contextlib.asynccontextmanager
async def holding(renew: Callable[[], Awaitable[bool]], every_s: float) -> AsyncIterator[None]:
    """Renew a claim every `every_s` while the block works (pacing may keep it for a minute)."""
    async def keep() -> None:
        while True:
            await asyncio.sleep(every_s)
            if not await renew():
                return

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


class ChannelNames:
    """Channel id -> name for the cards, fetched once and again when an unknown id shows up."""

    def __init__(self, sb: Switchboard) -> None:
        self._sb, self._names = sb, dict[str, str]()

    async def name(self, channel_id: str) -> str:
        if channel_id not in self._names:
            self._names = {c.id: c.name for c in await self._sb.channels()}
        return self._names.get(channel_id, "")


def digest(html: str, keyboard: render.Keyboard = ()) -> str:
    """What a card shows, text and buttons: an edit is made only when this changes."""
    return hashlib.sha256(f"{html}\n{keyboard!r}".encode()).hexdigest()


def card(conversation: Conversation, channel_name: str, assignee: str = "") -> render.Text:
    """The card with its buttons (every post and edit gives them: an edit without drops them)."""
    return render.Text(render.card(conversation, channel_name, assignee),
                       card_keyboard(conversation))


class Topics:
    def __init__(self, store: Store, scope: Scope, group: Group, sb: Switchboard,
                 settings: RunnerSettings) -> None:
        self.store, self.scope, self.group, self.sb = store, scope, group, sb
        self.settings = settings
        self.channels = ChannelNames(sb)
        self.assignees = Assignees(sb, settings.link_cache_s)

    async def ensure(self, conversation: Conversation) -> Topic:
        """The conversation's ready topic (card posted), made now if it has none."""
        lease = self.settings.claim_lease_s
        deadline = time.monotonic() + 10 * lease
        while True:
            topic = await self.store.claim_topic(self.scope, conversation.id, lease)
            if topic.claim is Claim.DONE:
                return topic
            if topic.claim is Claim.MINE:
                opened = await self._open(topic, conversation)
                if opened is not None:
                    return opened
            elif time.monotonic() > deadline:
                raise ClaimTimeout(f"the topic of {conversation.id} stays claimed")
            else:
                await asyncio.sleep(self.settings.claim_poll_s)

    async def _open(self, topic: Topic, given: Conversation) -> Topic | None:
        """Create the topic (unless a dead holder did) and post its card; None if the claim
        was taken over meanwhile (this holder was too slow: the taker finishes)."""
        async with holding(lambda: self.store.renew_topic(self.scope, topic),
                           self.settings.claim_lease_s / 3):
            conversation = await self._fresh(given)
            name = render.topic_name(conversation)
            thread_id = topic.thread_id
            if thread_id is None:
                thread_id = await self.group.create_topic(name)
                if not await self.store.topic_created(self.scope, topic, thread_id, name):
                    return None
            shown = await self._card(conversation)
            card_id = await self.group.post(thread_id, shown)
            sha = digest(shown.html, shown.keyboard)
            if not await self.store.card_posted(self.scope, topic, card_id, sha):
                return None
        log.info("telegram topic opened", extra={"bot_id": self.scope.bot_id,
                                                  "conversation_id": conversation.id})
        return replace(topic, thread_id=thread_id, card_message_id=card_id, name=name,
                       card_sha256=sha, claim=Claim.DONE)

    async def _fresh(self, conversation: Conversation) -> Conversation:
        """The conversation as it is now: an event's copy may predate the buyer's name and the
        listing's title, which arrive a moment after the first message (and with the channel,
        whose name the card shows)."""
        try:
            return await self.sb.conversation(conversation.id)
        except Exception:  # the event's copy still makes a good topic; the card follows later
            log.warning("telegram: conversation not refetched", exc_info=True)
            return conversation

    async def refresh(self, conversation: Conversation) -> None:
        """Edit the topic's name and card to what the conversation is now (if it has a topic)."""
        topic = await self.store.topic(self.scope, conversation.id)
        if topic is None or topic.claim is not Claim.DONE:
            return  # no topic yet: the first message makes one with the card as it is then
        assert topic.thread_id is not None and topic.card_message_id is not None
        # Changes committed side by side (the buyer's name, the listing) each come with a copy
        # that lacks the other's: render what is stored now, not the event's copy.
        conversation = await self._fresh(conversation)
        name = render.topic_name(conversation)
        shown = await self._card(conversation)
        sha = digest(shown.html, shown.keyboard)
        if name == topic.name and sha == topic.card_sha256:
            return
        try:
            if name != topic.name:
                await self.group.rename_topic(topic.thread_id, name)
            if sha != topic.card_sha256:
                await self.group.edit(topic.card_message_id, shown.html, shown.keyboard)
        except Rejected as rejected:
            if rejected.reason is Reason.GROUP_UNUSABLE:
                raise
            if rejected.reason is Reason.TOPIC_GONE:
                await self.store.forget_topic(self.scope, conversation.id, topic.thread_id)
            log.warning("telegram: topic not updated: %s", rejected.description)
            return
        await self.store.topic_shown(self.scope, conversation.id, name, sha)

    async def _card(self, conversation: Conversation) -> render.Text:
        return card(conversation, await self.channels.name(conversation.channel_id),
                    await self.assignees.name(conversation.assignee_user_id))

    async def forget(self, topic: Topic) -> None:
        assert topic.thread_id is not None
        await self.store.forget_topic(self.scope, topic.conversation_id, topic.thread_id)

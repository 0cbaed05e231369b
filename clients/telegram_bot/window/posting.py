"""Posting a conversation's message (or the handoff marker) in its topic, once.

The post is claimed under its key (the platform message id) before anything is sent, and each
part sent is recorded as it goes: a replay of the same event finds it done, a second replica
waits for the holder, and a post whose holder died is taken over and continued from the first
part not yet in Telegram.
"""

from __future__ import annotations

import asyncio
import logging
import time

from switchboard_sdk import Conversation, Message

from clients.telegram_bot import render
from clients.telegram_bot.config import RunnerSettings
from clients.telegram_bot.render import Media, Part
from clients.telegram_bot.sending.queue import Reason, Rejected
from clients.telegram_bot.store import Claim, Post, Scope, Store, Topic
from clients.telegram_bot.telegram import Group
from clients.telegram_bot.window.topics import ClaimTimeout, Topics, holding

log = logging.getLogger("clients.telegram_bot")


class _Lost(Exception):
    """The claim was taken over while this holder worked: the taker finishes the post."""


class Poster:
    def __init__(self, store: Store, scope: Scope, group: Group, topics: Topics,
                 settings: RunnerSettings) -> None:
        self.store, self.scope, self.group, self.topics = store, scope, group, topics
        self.settings = settings

    async def message(self, conversation: Conversation, message: Message) -> None:
        await self.publish(conversation, message.id, render.message(conversation, message))

    async def handoff(self, conversation: Conversation) -> None:
        """The visible "needs a manager" marker, once per handoff."""
        found = conversation.handoff
        if found is None:
            return
        at = found.requested_at.isoformat() if found.requested_at else found.reason[:40]
        await self.publish(conversation, f"handoff:{conversation.id}:{at}",
                           [render.Text(render.handoff(conversation))])

    async def publish(self, conversation: Conversation, key: str, parts: list[Part]) -> None:
        """Post `parts` in the conversation's topic under `key`, unless that was done."""
        post = await self._claim(key, conversation.id)
        if post is None:
            return
        async with holding(lambda: self.store.renew_post(self.scope, post),
                           self.settings.claim_lease_s / 3):
            for attempt in (1, 2):
                topic = await self.topics.ensure(conversation)
                try:
                    error = await self._send(topic, post, parts)
                except _Lost:
                    log.warning("telegram: the post %s was taken over", key)
                    return
                except Rejected as rejected:
                    if rejected.reason is not Reason.TOPIC_GONE or attempt == 2:
                        raise
                    log.warning("telegram: topic %s is gone, opening a new one", topic.thread_id)
                    await self.topics.forget(topic)
                    continue
                await self.store.post_done(self.scope, post, error)
                return

    async def _claim(self, key: str, conversation_id: str) -> Post | None:
        """The post to continue, None when it is done; waits while another holder works."""
        deadline = time.monotonic() + 10 * self.settings.claim_lease_s
        while True:
            post = await self.store.claim_post(self.scope, key, conversation_id,
                                               self.settings.claim_lease_s)
            if post.claim is Claim.MINE:
                return post
            if post.claim is Claim.DONE:
                return None
            if time.monotonic() > deadline:
                raise ClaimTimeout(f"the post {key} stays claimed")
            await asyncio.sleep(self.settings.claim_poll_s)

    async def _send(self, topic: Topic, post: Post, parts: list[Part]) -> str | None:
        """Send the parts not yet in Telegram; the reason when Telegram refused one for good
        (reported and skipped: no retry makes it go through)."""
        assert topic.thread_id is not None
        for part in parts[len(post.telegram_message_ids):]:
            try:
                message_id = await self._one(topic.thread_id, part)
            except Rejected as rejected:
                if rejected.reason in (Reason.TOPIC_GONE, Reason.GROUP_UNUSABLE):
                    raise
                log.error("telegram refused a post for good: %s", rejected.description,
                          extra={"bot_id": self.scope.bot_id, "item_key": post.key})
                return rejected.description
            if not await self.store.post_part(self.scope, post, message_id):
                raise _Lost(post.key)
            post.telegram_message_ids.append(message_id)
        return None

    async def _one(self, thread_id: int, part: Part) -> int:
        try:
            return await self.group.post(thread_id, part)
        except Rejected as rejected:
            if rejected.reason is not Reason.MEDIA or not isinstance(part, Media):
                raise
            # Telegram could not take the file (an unreachable or expired URL): link to it.
            return await self.group.post(thread_id, render.media_fallback(part))

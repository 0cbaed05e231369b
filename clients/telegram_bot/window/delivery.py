"""The window's side of managers' replies typed in a topic.

- `settle`: a platform message of a person appears (message.created) while a reply of that
  conversation is still on its way to the platform: wait (bounded) until the reply is linked
  to its platform message, so the post the window then claims is found done (the manager's own
  Telegram message) instead of posting the manager's words back.
- `show`: the platform reports the reply's fate (message.status_changed / message.updated):
  sent -> a 👍 reaction on the manager's message (a short reply where reactions are refused);
  failed -> a reply with the reason. Claimed first, so two replicas show it once.
"""

from __future__ import annotations

import asyncio
import logging
import time

from switchboard_sdk import Message, MessageStatus

from clients.telegram_bot import phrases
from clients.telegram_bot.config import RunnerSettings
from clients.telegram_bot.ledger import Ledger, Outcome, Reply
from clients.telegram_bot.sending.queue import Reason, Rejected
from clients.telegram_bot.store import Scope
from clients.telegram_bot.telegram import Group

log = logging.getLogger("clients.telegram_bot")
DELIVERED_REACTION = "👍"
_OUTCOMES = {MessageStatus.SENT: Outcome.SENT, MessageStatus.FAILED: Outcome.FAILED}


class Delivery:
    def __init__(self, ledger: Ledger, scope: Scope, group: Group,
                 settings: RunnerSettings) -> None:
        self.ledger, self.scope, self.group, self.settings = ledger, scope, group, settings

    async def settle(self, conversation_id: str) -> None:
        """Wait while a reply of the conversation is in flight (at most `reply_settle_s`)."""
        bound = self.settings.reply_settle_s
        deadline = time.monotonic() + bound
        while await self.ledger.in_flight(self.scope, conversation_id, bound):
            if time.monotonic() > deadline:
                log.warning("telegram: a reply stayed in flight; posting the message anyway",
                            extra={"bot_id": self.scope.bot_id, "conversation_id": conversation_id})
                return
            await asyncio.sleep(self.settings.claim_poll_s)

    async def show(self, message: Message) -> None:
        """Show a reply's delivery on the manager's message, once (nothing for other messages)."""
        outcome = _OUTCOMES.get(message.status)
        if outcome is None:
            return
        reply = await self.ledger.claim_outcome(self.scope, message.id, outcome)
        if reply is None:
            return
        try:
            if outcome is Outcome.SENT:
                await self._delivered(reply)
            else:
                await self.group.reply(reply.thread_id, reply.telegram_message_id,
                                       phrases.not_delivered(message.failure_reason))
        except Rejected as rejected:
            if rejected.reason is Reason.GROUP_UNUSABLE:
                await self.ledger.release_outcome(self.scope, reply)
                raise
            log.warning("telegram: delivery not shown: %s", rejected.description)
        except BaseException:
            await asyncio.shield(self.ledger.release_outcome(self.scope, reply))
            raise

    async def _delivered(self, reply: Reply) -> None:
        try:
            await self.group.react(reply.telegram_message_id, DELIVERED_REACTION)
        except Rejected as rejected:
            if rejected.reason in (Reason.GROUP_UNUSABLE, Reason.TOPIC_GONE):
                raise
            # Reactions off in this group (or the message gone): say it in words.
            await self.group.reply(reply.thread_id, reply.telegram_message_id, phrases.DELIVERED)

"""Debounce: wait for the buyer to finish before answering; step aside when a human answers.

A buyer message (live, not a system one) in a bot-mode conversation whose channel has the agent
enabled starts or extends the conversation's pending reply: due `silence_window_s` after the
last buyer message, never later than `max_wait_s` after the first unanswered one. A seller's
reply (inbox/API: send_requested by a USER; the Avito app: a CHANNEL_APP echo) cancels it and,
with `human_reply_takes_over`, switches a bot conversation to manager mode.

New conversations: with the agent enabled for the channel, a conversation that gets its first
buyer message (still in the default manager mode, unassigned, unread, nothing from our side; a
channel's system notices may precede it) is switched to bot mode first.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering.clock import Clock
from services.agent.answering.guardrails import NOT_FOR_US
from services.agent.repository import AgentUnit
from services.agent.settings.service import SettingsStore
from services.kernel.unit import Units

log = logging.getLogger(__name__)

BOT = conv_pb.CONVERSATION_MODE_BOT
MANAGER = conv_pb.CONVERSATION_MODE_MANAGER
NEW_CONVERSATION_PAGE = 20


class Debouncer:
    def __init__(self, units: Units[AgentUnit], store: SettingsStore,
                 conversations: ConversationsClient, clock: Clock,
                 on_wait: Callable[[], None] = lambda: None) -> None:
        self.units, self.store, self.conversations, self.clock = units, store, conversations, clock
        self.on_wait = on_wait  # a wait started or moved: the scheduler may sleep less

    async def buyer_wrote(self, tenant_id: uuid.UUID, conversation: conv_pb.Conversation,
                          message: conv_pb.Message) -> bool:
        """Start or extend the wait; False when the agent has nothing to do with this message."""
        if message.sender != conv_pb.SENDER_KIND_CONTACT or message.historical \
                or message.content_type in NOT_FOR_US:
            return False
        channel_id, conversation_id = uuid.UUID(conversation.channel_id), uuid.UUID(conversation.id)
        async with self.units(tenant_id) as unit:
            settings = await self.store.effective(unit, channel_id)
            # A wait already running means we adopted it: this event may predate the switch.
            waiting = await unit.pending.of_conversation(conversation_id) is not None
        if not settings.enabled:
            return False
        if conversation.mode != BOT and not waiting \
                and not await self._adopt(tenant_id, conversation, message):
            return False
        async with self.units(tenant_id) as unit:
            await unit.pending.upsert(
                conversation_id, channel_id, uuid.UUID(message.id), self.clock.now(),
                timedelta(seconds=settings.silence_window_s),
                timedelta(seconds=settings.max_wait_s))
        self.on_wait()
        return True

    async def enabled_channels(self, tenant_id: uuid.UUID,
                               channel_ids: set[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these channels have the agent enabled (one transaction for all)."""
        async with self.units(tenant_id) as unit:
            return {c for c in channel_ids if (await self.store.effective(unit, c)).enabled}

    async def human_wrote(self, tenant_id: uuid.UUID, conversation: conv_pb.Conversation) -> None:
        """A seller answered: no automatic reply for what they answered, and maybe take over."""
        async with self.units(tenant_id) as unit:
            await unit.pending.cancel(uuid.UUID(conversation.id))
            settings = await self.store.effective(unit, uuid.UUID(conversation.channel_id))
        if conversation.mode == BOT and settings.human_reply_takes_over:
            await self.conversations.update_conversation(tenant_id, conv_pb.UpdateConversationRequest(
                id=conversation.id, update_fields=["mode"], mode=MANAGER))
            log.info("a human replied: the conversation moves to manager mode",
                     extra={"conversation_id": conversation.id})

    async def _adopt(self, tenant_id: uuid.UUID, conversation: conv_pb.Conversation,
                     message: conv_pb.Message) -> bool:
        """Switch a brand-new conversation to bot mode; True if it is (now) the agent's.

        Brand-new: in the default manager mode, unassigned, unread as a whole, and this is the
        buyer's first real message -- only the channel's system notices may come before it."""
        if conversation.mode != MANAGER or conversation.assignee_user_id:
            return False
        page = await self.conversations.list_messages(tenant_id, conversation.id,
                                                      page_size=NEW_CONVERSATION_PAGE)
        messages = list(page.messages)
        if page.page_info.has_more or conversation.unread_count != len(messages) \
                or any(m.sender != conv_pb.SENDER_KIND_CONTACT for m in messages) \
                or [m.id for m in messages if m.content_type not in NOT_FOR_US] != [message.id]:
            return False  # someone read, answered or noted it: the managers have it
        await self.conversations.update_conversation(tenant_id, conv_pb.UpdateConversationRequest(
            id=conversation.id, update_fields=["mode"], mode=BOT))
        return True

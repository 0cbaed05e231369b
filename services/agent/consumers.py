"""What the agent reacts to: buyer messages (debounce) and human replies (cancel, take over)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from google.protobuf.message import Message

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_events
from services.agent.answering.debounce import Debouncer
from services.kernel.bus import ConsumerSpec, Delivery, uuid_field

M = TypeVar("M", bound=Message)


class AgentConsumers:
    def __init__(self, debouncer: Debouncer) -> None:
        self.debouncer = debouncer

    def specs(self) -> list[ConsumerSpec]:
        return [
            ConsumerSpec(topics.AGENT_INBOUND, self.on_received, batch=256,
                         batch_handler=self.on_received_batch),
            ConsumerSpec(topics.AGENT_HUMAN, self.on_send_requested),
        ]

    async def on_received(self, delivery: Delivery) -> None:
        event: conv_events.MessageReceived = delivery.event
        if event.message.sender == conv_pb.SENDER_KIND_CHANNEL_APP:  # the seller, in Avito's app
            await self.debouncer.human_wrote(delivery.tenant_id, event.conversation)
        else:
            await self.debouncer.buyer_wrote(delivery.tenant_id, event.conversation, event.message)

    async def on_received_batch(self, deliveries: list[Delivery]) -> None:
        """One tenant's messages: a buyer's message on a channel without the agent needs
        nothing (most tenants, most of the time), so the channels' settings are read once for
        the batch and only the rest goes through `on_received`."""
        events: list[conv_events.MessageReceived] = [d.event for d in deliveries]
        enabled = await self.debouncer.enabled_channels(deliveries[0].tenant_id, {
            _channel_id(e.conversation) for e in events
            if e.message.sender != conv_pb.SENDER_KIND_CHANNEL_APP})
        for delivery, event in zip(deliveries, events, strict=True):
            if event.message.sender == conv_pb.SENDER_KIND_CHANNEL_APP \
                    or _channel_id(event.conversation) in enabled:
                await self.on_received(delivery)

    async def on_send_requested(self, delivery: Delivery) -> None:
        event: conv_events.MessageSendRequested = delivery.event
        if event.message.sender == conv_pb.SENDER_KIND_USER:
            await self.debouncer.human_wrote(delivery.tenant_id, event.conversation)


def _channel_id(conversation: conv_pb.Conversation) -> uuid.UUID:
    return uuid_field(conversation.channel_id, "channel_id")

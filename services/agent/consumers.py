"""What the agent reacts to: buyer messages (debounce) and human replies (cancel, take over)."""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_events
from services.agent.debounce import Debouncer
from services.kernel.bus import ConsumerSpec, Delivery, Poison

M = TypeVar("M", bound=Message)


class AgentConsumers:
    def __init__(self, debouncer: Debouncer) -> None:
        self.debouncer = debouncer

    def specs(self) -> list[ConsumerSpec]:
        return [
            ConsumerSpec("agent-inbound", "SB_CONVERSATIONS",
                         "sb.conversations.*.message.received", self.on_received),
            ConsumerSpec("agent-human", "SB_CONVERSATIONS",
                         "sb.conversations.*.message.send_requested", self.on_send_requested),
        ]

    async def on_received(self, delivery: Delivery) -> None:
        event = _decode(conv_events.MessageReceived, delivery)
        if event.message.sender == conv_pb.SENDER_KIND_CHANNEL_APP:  # the seller, in Avito's app
            await self.debouncer.human_wrote(delivery.tenant_id, event.conversation)
        else:
            await self.debouncer.buyer_wrote(delivery.tenant_id, event.conversation, event.message)

    async def on_send_requested(self, delivery: Delivery) -> None:
        event = _decode(conv_events.MessageSendRequested, delivery)
        if event.message.sender == conv_pb.SENDER_KIND_USER:
            await self.debouncer.human_wrote(delivery.tenant_id, event.conversation)


def _decode(cls: type[M], delivery: Delivery) -> M:
    try:
        return cls.FromString(delivery.data)
    except DecodeError as exc:
        raise Poison(f"undecodable {cls.__name__}: {exc}") from exc

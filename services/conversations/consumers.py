"""What the conversations service reacts to: normalized channel messages and delivery outcomes."""

from __future__ import annotations

from google.protobuf.message import DecodeError

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.conversations.ingest import Ingestor
from services.kernel.bus import ConsumerSpec, Delivery, Poison
from services.kernel.db import Database


class ConversationConsumers:
    def __init__(self, db: Database, ingestor: Ingestor) -> None:
        self.db, self.ingestor = db, ingestor

    def specs(self) -> list[ConsumerSpec]:
        return [
            ConsumerSpec("conversations-inbound", "SB_CHANNELS", "sb.channels.*.message.inbound",
                         self.on_inbound),
            ConsumerSpec("conversations-delivery", "SB_CHANNELS", "sb.channels.*.message.delivery",
                         self.on_delivery),
        ]

    async def on_inbound(self, delivery: Delivery) -> None:
        event = _decode(channel_events.MessageInbound, delivery)
        if not event.message.channel_id or not event.message.external_chat_id:
            raise Poison("inbound message without channel or chat id")
        async with self.db.unit_of_work(delivery.tenant_id) as session:
            await self.ingestor.ingest(session, event.message)

    async def on_delivery(self, delivery: Delivery) -> None:
        event = _decode(channel_events.MessageDelivery, delivery)
        async with self.db.unit_of_work(delivery.tenant_id) as session:
            await self.ingestor.apply_delivery(session, event)


def _decode(cls: type, delivery: Delivery):  # type: ignore[no-untyped-def]
    try:
        return cls.FromString(delivery.data)
    except DecodeError as exc:
        raise Poison(f"undecodable {cls.__name__}: {exc}") from exc

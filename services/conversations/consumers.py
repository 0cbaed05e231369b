"""What the conversations service reacts to: normalized channel messages and delivery outcomes."""

from __future__ import annotations

import uuid

from google.protobuf.message import DecodeError

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.conversations.deletion import Deletions
from services.conversations.ingest import Ingestor
from services.conversations.listings import ListingUpdater
from services.conversations.metrics import observe_webhook_to_stored
from services.kernel.bus import ConsumerSpec, Delivery, Poison
from services.kernel.db import Database

INBOUND_CONCURRENCY = 8  # below the database pool size (10), leaving room for the API
INBOUND_BATCH = 256  # per fetch; grouped by tenant, one transaction per tenant


class ConversationConsumers:
    def __init__(self, db: Database, ingestor: Ingestor) -> None:
        self.db, self.ingestor = db, ingestor
        self.deletions = Deletions(ingestor.events)
        self.listings = ListingUpdater(ingestor.events)

    def specs(self) -> list[ConsumerSpec]:
        return [
            # Ingest is idempotent and order-tolerant (sent_at decides the preview; the
            # conversation row is locked), so a batch is stored several messages at a time.
            ConsumerSpec("conversations-inbound", "SB_CHANNELS", "sb.channels.*.message.inbound",
                         self.on_inbound, concurrency=INBOUND_CONCURRENCY,
                         batch=INBOUND_BATCH, batch_handler=self.on_inbound_batch),
            ConsumerSpec("conversations-delivery", "SB_CHANNELS", "sb.channels.*.message.delivery",
                         self.on_delivery),
            ConsumerSpec("conversations-deletion", "SB_CHANNELS", "sb.channels.*.message.deletion",
                         self.on_deletion),
            ConsumerSpec("conversations-listings", "SB_CHANNELS", "sb.channels.*.listing.updated",
                         self.on_listing_updated),
        ]

    async def on_inbound_batch(self, deliveries: list[Delivery]) -> None:
        """One tenant's fetched messages in one transaction (see Ingestor.ingest_many)."""
        events = [_inbound(d) for d in deliveries]
        async with self.db.unit_of_work(deliveries[0].tenant_id) as session:
            stored = await self.ingestor.ingest_many(
                session, [(e.message, e.historical) for e in events])
        for i in stored:
            observe_webhook_to_stored(events[i])

    async def on_inbound(self, delivery: Delivery) -> None:
        event = _inbound(delivery)
        async with self.db.unit_of_work(delivery.tenant_id) as session:
            stored = await self.ingestor.ingest(session, event.message,
                                                historical=event.historical)
        if stored is not None:
            observe_webhook_to_stored(event)

    async def on_delivery(self, delivery: Delivery) -> None:
        event = _decode(channel_events.MessageDelivery, delivery)
        async with self.db.unit_of_work(delivery.tenant_id) as session:
            await self.ingestor.apply_delivery(session, event)

    async def on_deletion(self, delivery: Delivery) -> None:
        event = _decode(channel_events.MessageDeletion, delivery)
        async with self.db.unit_of_work(delivery.tenant_id) as session:
            await self.deletions.apply(session, event)


    async def on_listing_updated(self, delivery: Delivery) -> None:
        event = _decode(channel_events.ListingUpdated, delivery)
        if not _is_uuid(event.channel_id):
            raise Poison(f"listing.updated with a malformed channel id {event.channel_id!r}")
        async with self.db.unit_of_work(delivery.tenant_id) as session:
            await self.listings.apply(session, event)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _decode(cls: type, delivery: Delivery):  # type: ignore[no-untyped-def]
    try:
        return cls.FromString(delivery.data)
    except DecodeError as exc:
        raise Poison(f"undecodable {cls.__name__}: {exc}") from exc


def _inbound(delivery: Delivery) -> channel_events.MessageInbound:
    event = _decode(channel_events.MessageInbound, delivery)
    if not event.message.channel_id or not event.message.external_chat_id:
        raise Poison("inbound message without channel or chat id")
    return event

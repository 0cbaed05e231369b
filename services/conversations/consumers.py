"""What the conversations service reacts to: normalized channel messages, delivery and deletion
outcomes, listing details, buyers' names, the agent's handoffs. One unit of work per message
(per tenant batch for inbound)."""

from __future__ import annotations

from clients.rpc import topics
from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.conversations.ingest.contacts import ContactUpdater
from services.conversations.ingest.handoffs import HandoffRecorder
from services.conversations.ingest.inbound import Ingestor
from services.conversations.ingest.listings import ListingUpdater
from services.conversations.ingest.metrics import observe_webhook_to_stored
from services.conversations.outgoing.deletion import Deletions
from services.conversations.quotas.service import MonthlyMessages
from services.conversations.repository import ConversationsUnit
from services.kernel.bus import MSG_ID_HEADER, ConsumerSpec, Delivery, Poison, uuid_field
from services.kernel.unit import Units

INBOUND_CONCURRENCY = 8  # below the database pool size (10), leaving room for the API
INBOUND_BATCH = 256  # per fetch; grouped by tenant, one transaction per tenant


class ConversationConsumers:
    def __init__(self, units: Units[ConversationsUnit], ingestor: Ingestor,
                 messages: MonthlyMessages) -> None:
        self.units, self.ingestor, self.messages = units, ingestor, messages
        self.deletions = Deletions()
        self.listings = ListingUpdater()
        self.contacts = ContactUpdater()
        self.handoffs = HandoffRecorder()

    def specs(self) -> list[ConsumerSpec]:
        return [
            # Ingest is idempotent and order-tolerant (sent_at decides the preview; the
            # conversation row is locked), so a batch is stored several messages at a time.
            ConsumerSpec(topics.CONVERSATIONS_INBOUND, self.on_inbound,
                         concurrency=INBOUND_CONCURRENCY, batch=INBOUND_BATCH,
                         batch_handler=self.on_inbound_batch),
            ConsumerSpec(topics.CONVERSATIONS_DELIVERY, self.on_delivery),
            ConsumerSpec(topics.CONVERSATIONS_DELETION, self.on_deletion),
            ConsumerSpec(topics.CONVERSATIONS_LISTINGS, self.on_listing_updated),
            ConsumerSpec(topics.CONVERSATIONS_CONTACTS, self.on_contact_updated),
            ConsumerSpec(topics.CONVERSATIONS_HANDOFFS, self.on_handoff_requested),
        ]

    async def on_inbound_batch(self, deliveries: list[Delivery]) -> None:
        """One tenant's fetched messages in one transaction (see Ingestor.ingest_many)."""
        events = [_inbound(d) for d in deliveries]
        async with self.units(deliveries[0].tenant_id) as unit:
            stored = await self.ingestor.ingest_many(
                unit, [(e.message, e.historical) for e in events])
            await self.messages.stored(unit, unit.messages.inserted)
        for i in stored:
            observe_webhook_to_stored(events[i])

    async def on_inbound(self, delivery: Delivery) -> None:
        event = _inbound(delivery)
        async with self.units(delivery.tenant_id) as unit:
            stored = await self.ingestor.ingest(unit, event.message, historical=event.historical)
            await self.messages.stored(unit, unit.messages.inserted)
        if stored is not None:
            observe_webhook_to_stored(event)

    async def on_delivery(self, delivery: Delivery) -> None:
        async with self.units(delivery.tenant_id) as unit:
            await self.ingestor.apply_delivery(unit, delivery.event)
            await self.messages.stored(unit, unit.messages.inserted)  # an early echo folded

    async def on_deletion(self, delivery: Delivery) -> None:
        async with self.units(delivery.tenant_id) as unit:
            await self.deletions.apply(unit, delivery.event)

    async def on_listing_updated(self, delivery: Delivery) -> None:
        event: channel_events.ListingUpdated = delivery.event
        uuid_field(event.channel_id, "listing.updated channel_id")
        async with self.units(delivery.tenant_id) as unit:
            await self.listings.apply(unit, event)

    async def on_contact_updated(self, delivery: Delivery) -> None:
        event: channel_events.ContactUpdated = delivery.event
        uuid_field(event.channel_id, "contact.updated channel_id")
        async with self.units(delivery.tenant_id) as unit:
            await self.contacts.apply(unit, event)

    async def on_handoff_requested(self, delivery: Delivery) -> None:
        event: agent_events.HandoffRequested = delivery.event
        conversation_id = uuid_field(event.conversation.id, "handoff_requested conversation.id")
        async with self.units(delivery.tenant_id) as unit:
            await self.handoffs.apply(unit, conversation_id, event,
                                      delivery.headers.get(MSG_ID_HEADER, ""))


def _inbound(delivery: Delivery) -> channel_events.MessageInbound:
    event: channel_events.MessageInbound = delivery.event
    if not event.message.channel_id or not event.message.external_chat_id:
        raise Poison("inbound message without channel or chat id")
    return event

"""What the knowledge base reacts to: listings changing on a channel."""

from __future__ import annotations

import hashlib

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.agent.knowledge.domain import ParseError
from services.agent.knowledge.listings import listing_document
from services.agent.knowledge.service import KnowledgeService
from services.agent.repository import AgentUnit
from services.kernel.bus import ConsumerSpec, Delivery, Poison
from services.kernel.unit import Units


class KnowledgeConsumers:
    def __init__(self, units: Units[AgentUnit], service: KnowledgeService) -> None:
        self.units, self.service = units, service

    def specs(self) -> list[ConsumerSpec]:
        return [ConsumerSpec(topics.AGENT_LISTINGS, self.on_listing_updated)]

    async def on_listing_updated(self, delivery: Delivery) -> None:
        """Upsert the item's listing document (or remove it when the item is gone).

        A short read first skips repeats without calling the embeddings endpoint; the write is
        one unit of work after the (possibly slow) embedding, never holding a transaction open.
        """
        event: channel_events.ListingUpdated = delivery.event
        if not event.channel_id or not event.listing.external_id:
            raise Poison("listing event without channel or item id")
        listing = listing_document(event)
        sha256 = hashlib.sha256(listing.upload.content).hexdigest() if listing.upload else ""
        async with self.units(delivery.tenant_id) as unit:
            if await self.service.listing_unchanged(unit, listing, sha256):
                return
        try:
            prepared = await self.service.prepare_listing(delivery.tenant_id, listing)
        except ParseError as exc:
            raise Poison(f"listing cannot be indexed: {exc}") from exc
        async with self.units(delivery.tenant_id) as unit:
            await self.service.store_listing(unit, listing, prepared)

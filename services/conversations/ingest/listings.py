"""Listing details reaching conversations: channels announce what a listing looks like now
(listing.updated, after enrichment or a refresh); every conversation of that channel and item
that shows something else takes the new title, price, url and picture, and says so with a
conversation.updated. Bounded per event: the rest follow on the listing's next refresh."""

from __future__ import annotations

import uuid

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.conversations import events
from services.conversations.repository import ConversationsUnit

# Conversations updated per listing.updated (each one is an event too).
MAX_PER_EVENT = 500


class ListingUpdater:
    async def apply(self, unit: ConversationsUnit, event: channel_events.ListingUpdated) -> int:
        """How many conversations changed. An announcement without a title says nothing."""
        listing = event.listing
        if not listing.external_id or not listing.title:
            return 0
        values: dict[str, object] = {
            "listing_title": listing.title,
            "listing_price_minor": listing.price_minor if listing.has_price else None}
        if listing.url:
            values["listing_url"] = listing.url
        if listing.image_url:
            values["listing_image_url"] = listing.image_url
        rows = await unit.conversations.differing_from_listing(
            uuid.UUID(event.channel_id), listing.external_id, values, MAX_PER_EVENT)
        for conversation, _ in rows:
            for name, value in values.items():
                setattr(conversation, name, value)
        await unit.flush()
        for conversation, contact in rows:
            unit.emit(topics.CONVERSATION_UPDATED, events.conversation_updated(conversation, contact))
        return len(rows)

"""Listing details reaching conversations: channels announce what a listing looks like now
(listing.updated, after enrichment or a refresh); every conversation of that channel and item
that shows something else takes the new title, price, url and picture, and says so with a
conversation.updated. Bounded per event: the rest follow on the listing's next refresh."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.conversations.events import ConversationEvents
from services.conversations.repository import ConversationRepository

# Conversations updated per listing.updated (each one is an event too).
MAX_PER_EVENT = 500


class ListingUpdater:
    def __init__(self, events: ConversationEvents) -> None:
        self.events = events

    async def apply(self, session: AsyncSession, event: channel_events.ListingUpdated) -> int:
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
        rows = await ConversationRepository(session).differing_from_listing(
            uuid.UUID(event.channel_id), listing.external_id, values, MAX_PER_EVENT)
        for conversation, _ in rows:
            for name, value in values.items():
                setattr(conversation, name, value)
        await session.flush()
        for conversation, contact in rows:
            self.events.conversation_updated(session, conversation, contact)
        return len(rows)

"""Listing context: what a conversation's item looks like (title, price, url, image, status),
cached in `channels.listings` and announced as listing.updated.

The inbound path never waits for it. Conversations store a webhook message with the item id
alone; the `message.received` of a conversation that has an item id but no title is what asks
for it (consumer `channels-listings`, `sync/details.py`): served from the cache when fresh,
else fetched (`GET /core/v1/accounts/{user_id}/items/{item_id}/` for status and url; title,
price and picture come from the chat object, which the item endpoint lacks). Reconciliation
refreshes the stale listings of the chats it touched, with the chat objects already in hand.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from clients.rpc import topics
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels import events
from services.channels.avito.chats import listing_of
from services.channels.avito.client import AvitoClient
from services.channels.avito.errors import AvitoError, AvitoRejected
from services.channels.avito.pool import AvitoClients
from services.channels.models import ChannelAccount, Listing
from services.channels.repository import ChannelsUnit
from services.kernel.unit import Units

log = logging.getLogger(__name__)


class ListingRefresher:
    def __init__(self, units: Units[ChannelsUnit], clients: AvitoClients, ttl_s: float) -> None:
        self._units, self._clients, self._ttl = units, clients, timedelta(seconds=ttl_s)

    async def announce_cached(self, unit: ChannelsUnit, channel_id: uuid.UUID, item_id: str,
                              conversation_id: str) -> bool:
        """A conversation lacks the details of `item_id`: announce them from the cache if it
        holds them fresh (True), else the caller fetches them."""
        cached = await unit.listings.get(channel_id, item_id)
        if cached is None or not self._fresh(cached):
            return False
        # The cache is not new, the conversation is: an event of its own, not a copy of the
        # fetch's announcement that JetStream would drop (the conversation may be younger).
        _announce(unit, cached, event_id=events.listing_event_id(
            channel_id, item_id, cached.fetched_at, conversation_id) if conversation_id else None)
        return True

    async def refresh(self, account: ChannelAccount, chats: Iterable[dict[str, Any]]) -> int:
        """The listings of chats a pass touched that are not cached or are stale; one Avito
        cannot give now stays stale for the next pass (the messages matter more)."""
        by_item = {listing.external_id: chat for chat in chats
                   if (listing := listing_of(chat)) is not None}
        async with self._units() as unit:
            stale = await unit.listings.stale_items(
                account.id, by_item, self._ttl.total_seconds())
        refreshed = 0
        for item_id in sorted(stale):
            try:
                await self.fetch(account, item_id, chat=by_item[item_id])
            except AvitoError as exc:
                log.warning("listing refresh failed", extra={
                    "channel_id": str(account.id), "item_id": item_id, "error": exc.message})
                continue
            refreshed += 1
        return refreshed

    async def fetch(self, account: ChannelAccount, item_id: str, chat: dict[str, Any]) -> None:
        """Ask Avito for the item, take the rest from its chat (`chat`, in hand), cache,
        announce. Unavailable propagates (retry later)."""
        client = self._clients.for_account(account)
        item = await _item(client, account.external_account_id, item_id)
        listing = listing_of(chat)
        if listing is None or listing.external_id != item_id:
            listing = common.Listing(external_id=item_id)
        async with self._units() as unit:
            row = await unit.listings.upsert(
                account.id, item_id, title=listing.title,
                price_minor=listing.price_minor if listing.has_price else None,
                url=str(item.get("url") or listing.url), image_url=listing.image_url,
                status=str(item.get("status") or ""))
            _announce(unit, row)

    def _fresh(self, row: Listing) -> bool:
        """Fetched within the TTL, with a title: one without came from a chat that did not
        tell (another chat's lookup may), and is never served."""
        return bool(row.title) and row.fetched_at is not None \
            and row.fetched_at > datetime.now(UTC) - self._ttl


def _announce(unit: ChannelsUnit, row: Listing, event_id: uuid.UUID | None = None) -> None:
    """listing.updated, when there is something to show (a title). A fetch is a fact of its
    own (the outbox row's id); a cached listing shown to a conversation passes its id."""
    if not row.title or row.fetched_at is None:
        return
    unit.emit(topics.LISTING_UPDATED, events.listing_updated(row), event_id=event_id)


async def _item(client: AvitoClient, user_id: str, item_id: str) -> dict[str, Any]:
    """Status and url; a listing Avito does not know (or that is not the account's) is a
    status, not a failure."""
    try:
        return await client.get_item(user_id, item_id)
    except AvitoRejected as exc:
        if exc.status == 404:
            return {"status": "not_found"}
        log.warning("Avito refused the item lookup", extra={"item_id": item_id, "error": exc.message})
        return {}

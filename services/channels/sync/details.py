"""What a conversation lacks that its chat can tell (consumer `channels-listings`, one
`message.received` at a time): the listing's details, when it knows the item id only, and its
buyer's name, when the contact has none (Avito's webhooks name nobody; the chat lookup
`GET /messenger/v2/accounts/{user_id}/chats/{chat_id}` lists its users with their names).

The inbound path never waits for this: conversations stored and announced the message first,
and catch up on listing.updated / contact.updated. At most one chat lookup per message, and
for the name one per chat: `channels.chats` notes every chat looked up, whatever was found, so
a buyer's later messages cost nothing. A fresh cached listing is announced without a lookup;
the name still needs the chat.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conversations
from services.channels import events
from services.channels.avito.chats import buyer_name
from services.channels.avito.client import AvitoClient
from services.channels.avito.errors import AvitoError, AvitoRejected, AvitoUnavailable
from services.channels.avito.pool import AvitoClients
from services.channels.models import ChannelAccount, ChannelKind
from services.channels.repository import ChannelsUnit
from services.channels.sync.listings import ListingRefresher
from services.kernel.unit import Units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wanted:
    """What one conversation lacks."""

    chat_id: str
    conversation_id: str
    item_id: str = ""  # the listing's details: the conversation knows only this item id
    buyer_id: str = ""  # the buyer's name: this Avito user's contact has none


def wanted(conversation: conversations.Conversation) -> Wanted | None:
    """What the conversation of a message.received lacks; None for most, which cost nothing."""
    listing, contact = conversation.listing, conversation.contact
    item_id = listing.external_id if listing.external_id and not listing.title else ""
    buyer_id = contact.external_user_id if _avito_user(contact.external_user_id) \
        and not contact.name else ""
    if not conversation.external_chat_id or not (item_id or buyer_id):
        return None
    return Wanted(conversation.external_chat_id, conversation.id, item_id, buyer_id)


class ChatDetails:
    def __init__(self, units: Units[ChannelsUnit], clients: AvitoClients,
                 listings: ListingRefresher) -> None:
        self._units, self._clients, self._listings = units, clients, listings

    async def complete(self, channel_id: uuid.UUID, need: Wanted) -> None:
        """Find what `need` lacks (current tenant). Avito being unavailable propagates (retry
        later); a refusal (credentials, tariff) is only logged: retrying will not help."""
        try:
            async with self._units() as unit:
                account = await unit.accounts.get_active(channel_id)
                if account is None or account.kind != ChannelKind.AVITO:
                    return  # disconnected (nothing is fetched any more), or not Avito's
                item_id = need.item_id
                if item_id and await self._listings.announce_cached(
                        unit, channel_id, item_id, need.conversation_id):
                    item_id = ""
                buyer_id = need.buyer_id
                if buyer_id and await unit.chats.looked_up(channel_id, need.chat_id):
                    buyer_id = ""  # what that lookup found went out then
            if item_id or buyer_id:
                await self._look_up(account, need.chat_id, item_id, buyer_id)
        except AvitoUnavailable:
            raise
        except AvitoError as exc:
            log.warning("chat details refused by Avito", extra={
                "channel_id": str(channel_id), "error": exc.message})

    async def _look_up(self, account: ChannelAccount, chat_id: str, item_id: str,
                       buyer_id: str) -> None:
        """One chat lookup for both; the buyer is noted first, so a retry of the listing (its
        item lookup unavailable) does not look the chat up for the name again."""
        chat = await _chat(self._clients.for_account(account), account.external_account_id,
                           chat_id)
        if buyer_id:
            await self._note_buyer(account, chat_id, buyer_id, chat)
        if item_id:
            await self._listings.fetch(account, item_id, chat)

    async def _note_buyer(self, account: ChannelAccount, chat_id: str, buyer_id: str,
                          chat: dict[str, Any]) -> None:
        name = buyer_name(chat, buyer_id, account.external_account_id)
        async with self._units() as unit:
            # Noted and announced together, once: a redelivery, or another replica that
            # looked the chat up too, finds the row and announces nothing.
            if await unit.chats.record(account.id, chat_id, buyer_id, name) and name:
                unit.emit(topics.CONTACT_UPDATED,
                          events.contact_updated(account.id, buyer_id, name, chat_id))


def _avito_user(user_id: str) -> bool:
    """A buyer's Avito id: not a chat's placeholder contact, nor Avito's system user 0."""
    return user_id.isdigit() and user_id != "0"


async def _chat(client: AvitoClient, user_id: str, chat_id: str) -> dict[str, Any]:
    try:
        return await client.get_chat(user_id, chat_id)
    except AvitoRejected as exc:
        log.warning("Avito refused the chat lookup", extra={"chat_id": chat_id, "error": exc.message})
        return {}

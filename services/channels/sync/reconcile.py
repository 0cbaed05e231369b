"""One reconciliation pass for one account: what webhooks missed, imported through the same
message.inbound path (and the same deterministic message ids) as webhooks.

- Backfill (the account's first pass): every chat (u2i and u2u, paged by 100 up to Avito's
  offset cap of 1000) and one page of each chat's recent messages, imported as historical
  when written before the account was connected (later ones are live: webhooks race us).
- Later passes: chats updated since the watermark (the list is newest first, so paging stops
  at the first older chat); a chat whose last message is older than the watermark changed in
  some other way and is skipped; the others' messages since the watermark are imported as
  live ones that arrived late (no received_at: their latency is not a webhook's).

Avito is called outside any transaction; the pass writes nothing but events. It stops between
chats when the service is stopping (`Interrupted`), so a restart hands the account on at once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from services.channels.avito.chats import chat_context, last_message_at, updated_at
from services.channels.avito.client import AvitoClient
from services.channels.avito.normalize import AccountRef, MalformedWebhook, normalize_message
from services.channels.avito.pool import AvitoClients
from services.channels.avito.sync_calls import MAX_CHATS_LIMIT, MAX_CHATS_OFFSET
from services.channels.messaging.inbound import publish_inbound
from services.channels.repository import ChannelsUnit
from services.channels.sync.listings import ListingRefresher
from services.channels.sync.repository import SyncClaim
from services.kernel.bus import Bus
from services.kernel.tenancy import require_tenant
from services.kernel.unit import Units

log = logging.getLogger(__name__)

# Messages v3: one page is at most 100, and offsets stop at 1000 like the chat list's.
MESSAGES_PAGE = 100


class Interrupted(Exception):
    """The service is stopping: the pass gave the account back unfinished."""


@dataclass(frozen=True)
class PassResult:
    synced_until: int  # the newest chat `updated` seen (Avito's clock), the next watermark
    chats: int
    messages: int


class Reconciler:
    def __init__(self, units: Units[ChannelsUnit], bus: Bus, clients: AvitoClients,
                 listings: ListingRefresher, overlap_s: int) -> None:
        self._units, self._bus, self._clients = units, bus, clients
        self._listings, self._overlap_s = listings, overlap_s

    async def run(self, claim: SyncClaim, stop: asyncio.Event) -> PassResult | None:
        """None when the account is not connected (any more): nothing to do."""
        async with self._units() as unit:
            account = await unit.accounts.get_active(claim.channel_id)
        if account is None:
            return None
        client = self._clients.for_account(account)
        ref = AccountRef(str(account.id), account.external_account_id)
        backfill = not claim.backfilled
        since = 0 if backfill else max(0, claim.synced_until - self._overlap_s)
        # Messages written before this second are history. Avito counts whole seconds: one
        # from the second of the connection may be newer, and in doubt a message is live.
        history_until = int(claim.scheduled_since.timestamp()) if backfill else 0
        chats = await self._changed_chats(client, ref, since)
        imported = 0
        for chat in chats:
            if stop.is_set():
                raise Interrupted()
            imported += await self._import_chat(client, ref, chat, since, history_until)
        await self._listings.refresh(account, chats)
        newest = max((updated_at(chat) for chat in chats), default=0)
        log.info("Avito account synced", extra={
            "channel_id": ref.channel_id, "backfill": backfill, "chats": len(chats),
            "messages": imported})
        return PassResult(max(claim.synced_until, newest), len(chats), imported)

    async def _changed_chats(self, client: AvitoClient, ref: AccountRef,
                             since: int) -> list[dict[str, Any]]:
        """Chats updated at or after `since`, each once (a chat that moves up while we page
        may show twice), newest first."""
        found: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            page = await client.list_chats(ref.user_id, limit=MAX_CHATS_LIMIT, offset=offset)
            recent = [c for c in page.chats if updated_at(c) >= since and c.get("id")]
            for chat in recent:
                found.setdefault(str(chat["id"]), chat)
            if len(recent) < len(page.chats) or not page.has_more:
                return list(found.values())
            offset += MAX_CHATS_LIMIT
            if offset > MAX_CHATS_OFFSET:
                log.warning("chat list truncated: Avito pages no further than offset 1000; "
                            "older chats are not imported", extra={
                                "channel_id": ref.channel_id, "chats": len(found)})
                return list(found.values())

    async def _import_chat(self, client: AvitoClient, ref: AccountRef, chat: dict[str, Any],
                           since: int, history_until: int) -> int:
        if since and last_message_at(chat) < since:
            return 0  # changed (read, say) without a new message: nothing to fetch
        messages = await self._messages(client, ref, str(chat["id"]), since,
                                        one_page=not since)
        context = chat_context(chat)
        tenant_id = require_tenant()
        imported = 0
        # Oldest first: the buyer's first message creates the conversation with its contact.
        for value in reversed(messages):
            try:
                message = normalize_message(ref, value, context)
            except MalformedWebhook as exc:
                log.warning("unreadable Avito message skipped", extra={
                    "channel_id": ref.channel_id, "chat_id": context.chat_id, "error": str(exc)})
                continue
            await publish_inbound(self._bus, tenant_id, message,
                                  historical=_created(value) < history_until)
            imported += 1
        return imported

    async def _messages(self, client: AvitoClient, ref: AccountRef, chat_id: str, since: int,
                        one_page: bool) -> list[dict[str, Any]]:
        """Newest first: the recent page (backfill), or everything since `since`."""
        found: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = await client.list_messages(ref.user_id, chat_id, limit=MESSAGES_PAGE,
                                              offset=offset)
            found += [m for m in page if _created(m) >= since]
            offset += MESSAGES_PAGE
            if one_page or len(page) < MESSAGES_PAGE or _created(page[-1]) < since \
                    or offset > MAX_CHATS_OFFSET:
                return found


def _created(message: dict[str, Any]) -> int:
    value = message.get("created")
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0

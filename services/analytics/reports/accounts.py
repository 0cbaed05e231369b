"""The tenant's channel accounts as reports name them, read from channels (ListChannels) and
kept a short while per tenant.

Why a call and not a projection of channel.connected/disconnected: the name is channels' data
and changes there (a reconnect under a new name) without an event that carries it, and accounts
connected before analytics consumed those events would never be named. Reports are rare (on
demand, or a schedule's run), so one call per tenant per `ttl_s` costs nothing and a report shows
the name as it is now. If channels cannot answer, the report still renders (from the accounts
its conversations came through, titled by id) and says so in its problems.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2

PAGE_SIZE = 100
MAX_PAGES = 20  # 2,000 accounts: far past any seller; a loop that never ends is worse


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    name: str
    active: bool
    avito: bool  # Avito statistics exist only for Avito accounts


class AccountDirectory:
    """Per tenant: id -> Account, cached `ttl_s` (a bounded number of tenants)."""

    def __init__(self, client: ChannelsClient, ttl_s: float = 30.0, max_tenants: int = 1000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._client, self._ttl_s, self._max = client, ttl_s, max_tenants
        self._clock = clock
        self._cache: OrderedDict[uuid.UUID, tuple[float, dict[uuid.UUID, Account]]] = (
            OrderedDict())

    async def accounts(self, tenant_id: uuid.UUID) -> dict[uuid.UUID, Account]:
        """Raises the client's DomainError when channels cannot answer."""
        hit = self._cache.get(tenant_id)
        now = self._clock()
        if hit is not None and now - hit[0] < self._ttl_s:
            return hit[1]
        found = await self._fetch(tenant_id)
        self._cache[tenant_id] = (now, found)
        self._cache.move_to_end(tenant_id)
        while len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return found

    async def _fetch(self, tenant_id: uuid.UUID) -> dict[uuid.UUID, Account]:
        found: dict[uuid.UUID, Account] = {}
        cursor = ""
        for _ in range(MAX_PAGES):
            page = await self._client.list_channels(tenant_id, page_size=PAGE_SIZE,
                                                    cursor=cursor)
            for c in page.channels:
                found[uuid.UUID(c.id)] = Account(
                    uuid.UUID(c.id), c.name, c.status == pb.CHANNEL_STATUS_ACTIVE,
                    c.kind == message_pb2.CHANNEL_KIND_AVITO)
            cursor = page.page_info.next_cursor
            if not cursor:
                break
        return found

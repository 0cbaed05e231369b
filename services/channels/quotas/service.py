"""Connecting an account takes a slot of the plan's `channel_accounts`; a disconnected one
frees its slot (a reconnect takes it again)."""

from __future__ import annotations

from services.channels.quotas.repository import AccountSlotsRepository
from services.channels.repository import ChannelsUnit
from services.kernel.plan_book import PlanBook
from services.kernel.plans import CHANNEL_ACCOUNTS


class AccountSlots:
    def __init__(self, book: PlanBook) -> None:
        self._book = book

    async def take(self, unit: ChannelsUnit) -> None:
        """In the transaction that connects the account: lock the tenant's connects, count,
        refuse with QuotaExceeded when no slot is left."""
        quota = await self._book.quota(unit.tenant_id, CHANNEL_ACCOUNTS)
        if quota.limit is None:
            return
        slots = AccountSlotsRepository(unit.session)
        await slots.lock()
        quota.check(await slots.connected())

    async def precheck(self, unit: ChannelsUnit) -> None:
        """Before calling the channel's API: no webhook is registered for an account the plan
        would refuse anyway (`take` still decides, under the lock)."""
        quota = await self._book.quota(unit.tenant_id, CHANNEL_ACCOUNTS)
        if quota.limit is not None:
            quota.check(await AccountSlotsRepository(unit.session).connected())

    async def used(self, unit: ChannelsUnit) -> int:
        return await AccountSlotsRepository(unit.session).connected()

"""The connected-accounts count, and the lock that makes checking it and connecting one step."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels.models import AccountStatus, ChannelAccount


class AccountSlotsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self) -> None:
        """Serialise the tenant's connects until the transaction ends: two at once cannot both
        take the last slot (a transaction-scoped advisory lock on the bound tenant)."""
        await self._session.execute(text(
            "SELECT pg_advisory_xact_lock(hashtext('channels.accounts'), "
            "hashtext(current_setting('app.tenant_id', true)))"))

    async def connected(self) -> int:
        """Accounts not disconnected (RLS: the bound tenant's)."""
        count = await self._session.scalar(select(func.count()).select_from(ChannelAccount)
                                           .where(ChannelAccount.status != AccountStatus.DISCONNECTED))
        return int(count or 0)

"""Report work shared fairly between tenants: at most `per_tenant` reports of one tenant are
rendered at once in a process, the rest wait their turn (within the caller's deadline). A
tenant asking for many big reports together then holds one database query and one render at a
time, and the other tenants' reports find the cores and the pool free."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass


@dataclass
class _Slot:
    semaphore: asyncio.Semaphore
    users: int = 0


class TenantSlots:
    def __init__(self, per_tenant: int = 1) -> None:
        self.per_tenant = per_tenant
        self._slots: dict[uuid.UUID, _Slot] = {}  # only tenants with a report in hand

    @contextlib.asynccontextmanager
    async def __call__(self, tenant_id: uuid.UUID) -> AsyncIterator[None]:
        slot = self._slots.get(tenant_id)
        if slot is None:
            slot = self._slots[tenant_id] = _Slot(asyncio.Semaphore(self.per_tenant))
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if not slot.users:
                del self._slots[tenant_id]

    def busy(self, tenant_id: uuid.UUID) -> int:
        """Reports of the tenant rendering or waiting now."""
        slot = self._slots.get(tenant_id)
        return slot.users if slot else 0

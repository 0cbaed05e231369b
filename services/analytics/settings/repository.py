"""SQL of the tenant's analytics settings (one row per tenant, absent = defaults)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.analytics.models import TenantSettings


class SettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self) -> TenantSettings | None:
        return (await self.session.execute(select(TenantSettings))).scalar_one_or_none()

    async def put(self, time_zone: str, business_hours: list[dict[str, Any]]) -> None:
        values = {"time_zone": time_zone, "business_hours": business_hours,
                  "updated_at": datetime.now(UTC)}
        await self.session.execute(
            insert(TenantSettings).values(tenant_id=self.session.info["tenant_id"], **values)
            .on_conflict_do_update(index_elements=["tenant_id"], set_=values))

"""SQL of the settings levels. Flushes, never commits."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.agent.settings.models import SettingsRow
from services.kernel.tenancy import require_tenant


class SettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def level(self, channel_id: uuid.UUID | None) -> SettingsRow | None:
        return (await self.session.scalars(select(SettingsRow).where(_at(channel_id)))).first()

    async def locked_level(self, channel_id: uuid.UUID | None) -> SettingsRow:
        """The level's row, created empty if missing, locked for an update."""
        stmt = insert(SettingsRow).values(id=uuid.uuid4(), tenant_id=require_tenant(),
                                          channel_id=channel_id, values={})
        where = "channel_id IS NULL" if channel_id is None else "channel_id IS NOT NULL"
        cols = ["tenant_id"] if channel_id is None else ["tenant_id", "channel_id"]
        await self.session.execute(stmt.on_conflict_do_nothing(
            index_elements=cols, index_where=text(where)))
        row = (await self.session.scalars(
            select(SettingsRow).where(_at(channel_id)).with_for_update(),
            execution_options={"populate_existing": True})).one()
        return row


def _at(channel_id: uuid.UUID | None) -> Any:
    """The row of one level: the tenant's (no channel) or the channel's."""
    return SettingsRow.channel_id.is_(None) if channel_id is None \
        else SettingsRow.channel_id == channel_id


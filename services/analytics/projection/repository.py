"""SQL of the projection: message and conversation facts, and the hourly aggregates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.analytics.models import ConversationFact, HourlyFigure, MessageFact
from services.analytics.projection.rules import Increment


class FactsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def _tenant(self) -> uuid.UUID:
        tenant: uuid.UUID = self.session.info["tenant_id"]
        return tenant

    async def add_message(self, conversation_id: uuid.UUID, message_id: uuid.UUID,
                          direction: str, sender: str, at: datetime) -> bool:
        """Records the message; False when it was already there (a redelivery)."""
        result = await self.session.execute(
            insert(MessageFact).values(
                tenant_id=self._tenant, message_id=message_id, conversation_id=conversation_id,
                direction=direction, sender=sender, at=at)
            .on_conflict_do_nothing().returning(MessageFact.message_id))
        return result.first() is not None

    async def messages(self, conversation_id: uuid.UUID) -> Sequence[MessageFact]:
        return (await self.session.execute(
            select(MessageFact).where(MessageFact.conversation_id == conversation_id)
            .order_by(MessageFact.at))).scalars().all()

    async def lock_conversation(self, conversation_id: uuid.UUID, channel_id: uuid.UUID,
                                started_at: datetime) -> tuple[ConversationFact, bool]:
        """The conversation's facts, locked for this transaction; created (True) if new."""
        created = await self.session.execute(
            insert(ConversationFact).values(
                tenant_id=self._tenant, conversation_id=conversation_id, channel_id=channel_id,
                started_at=started_at)
            .on_conflict_do_nothing().returning(ConversationFact.conversation_id))
        is_new = created.first() is not None
        conv = (await self.session.execute(
            select(ConversationFact).where(ConversationFact.conversation_id == conversation_id)
            .with_for_update().execution_options(populate_existing=True))).scalar_one()
        return conv, is_new

    async def add_figures(self, increments: Sequence[Increment]) -> None:
        """Adds each increment to its hourly row (in the order given: one lock order)."""
        if not increments:
            return
        rows = [{"tenant_id": self._tenant, "hour": i.hour, "channel_id": i.dims.channel_id,
                 "listing_id": i.dims.listing_id, "assignee": i.dims.assignee,
                 "metric": i.metric, "bucket": i.bucket, "value": i.delta} for i in increments]
        stmt = insert(HourlyFigure).values(rows)
        await self.session.execute(stmt.on_conflict_do_update(
            index_elements=["tenant_id", "hour", "channel_id", "listing_id", "assignee",
                            "metric", "bucket"],
            set_={"value": HourlyFigure.value + stmt.excluded.value}))

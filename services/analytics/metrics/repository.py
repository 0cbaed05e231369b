"""SQL of the inbox metrics: sums of the hourly aggregates and counts of waiting conversations,
optionally grouped by one dimension (channel, listing, assignee, local day)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.analytics.models import ConversationFact, HourlyFigure

RESOLVED = 4


def _group(model: Any, group: str, zone: str, at: Any) -> ColumnElement[str]:
    if group == "channel":
        return cast(model.channel_id, String)
    if group in ("listing", "assignee"):
        return getattr(model, "listing_id" if group == "listing" else "assignee")  # type: ignore[no-any-return]
    if group == "day":
        return func.to_char(func.timezone(zone, at), "YYYY-MM-DD")
    return literal("")


class MetricsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sums(self, start: datetime, end: datetime, channel_ids: Sequence[uuid.UUID],
                   group: str, zone: str) -> list[tuple[str, str, int, int]]:
        """(group key, metric, bucket, sum) over the hours in [start, end)."""
        key = _group(HourlyFigure, group, zone, HourlyFigure.hour)
        stmt = (select(key, HourlyFigure.metric, HourlyFigure.bucket, func.sum(HourlyFigure.value))
                .where(HourlyFigure.hour >= start, HourlyFigure.hour < end)
                .group_by(key, HourlyFigure.metric, HourlyFigure.bucket)
                .having(func.sum(HourlyFigure.value) != 0))  # figures moved to another key
        if channel_ids:
            stmt = stmt.where(HourlyFigure.channel_id.in_(channel_ids))
        rows = (await self.session.execute(stmt)).all()
        return [(str(k), m, int(b), int(v)) for k, m, b, v in rows]

    async def sums_by_channel_day(self, start: datetime, end: datetime,
                                  channel_ids: Sequence[uuid.UUID], zone: str
                                  ) -> list[tuple[uuid.UUID, str, str, int, int]]:
        """(channel, local day YYYY-MM-DD, metric, bucket, sum) over [start, end): one pass
        over the range for a whole report. The hours are summed first, so the zone's arithmetic
        runs once an hour, not once a row, and a few hundred rows come back."""
        h = HourlyFigure
        by_hour = (select(h.channel_id, h.hour, h.metric, h.bucket,
                          func.sum(h.value).label("value"))
                   .where(h.hour >= start, h.hour < end)
                   .group_by(h.channel_id, h.hour, h.metric, h.bucket))
        if channel_ids:
            by_hour = by_hour.where(h.channel_id.in_(channel_ids))
        hours = by_hour.subquery()
        day = func.to_char(func.timezone(zone, hours.c.hour), "YYYY-MM-DD")
        stmt = (select(hours.c.channel_id, day, hours.c.metric, hours.c.bucket,
                       func.sum(hours.c.value))
                .group_by(hours.c.channel_id, day, hours.c.metric, hours.c.bucket)
                .having(func.sum(hours.c.value) != 0))
        rows = (await self.session.execute(stmt)).all()
        return [(c, d, m, int(b), int(v)) for c, d, m, b, v in rows]

    async def awaiting(self, start: datetime | None, end: datetime | None,
                       channel_ids: Sequence[uuid.UUID], group: str,
                       zone: str) -> dict[str, int]:
        """Open conversations still waiting for an answer, by group: those whose wait began
        in [start, end), or all of them (no range)."""
        c = ConversationFact
        key = _group(c, group, zone, c.awaiting_since)
        stmt = (select(key, func.count()).where(c.awaiting_since.is_not(None),
                                                c.status != RESOLVED).group_by(key))
        if start is not None and end is not None:
            stmt = stmt.where(c.awaiting_since >= start, c.awaiting_since < end)
        if channel_ids:
            stmt = stmt.where(c.channel_id.in_(channel_ids))
        return {str(k): int(n) for k, n in (await self.session.execute(stmt)).all()}

    async def channels(self) -> list[uuid.UUID]:
        """The accounts the tenant's conversations came through."""
        rows = await self.session.execute(select(ConversationFact.channel_id).distinct())
        return sorted(rows.scalars().all(), key=str)

    async def listing_titles(self, listing_ids: Sequence[str]) -> dict[str, str]:
        if not listing_ids:
            return {}
        rows = (await self.session.execute(
            select(ConversationFact.listing_id, func.max(ConversationFact.listing_title))
            .where(ConversationFact.listing_id.in_(listing_ids))
            .group_by(ConversationFact.listing_id))).all()
        return {k: t for k, t in rows if t}

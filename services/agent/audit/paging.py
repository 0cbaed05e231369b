"""Keyset pages, newest first on (a time column, id), as the audit trail and the unanswered
questions list them; the cursor is the page's last (time, id), sealed by the unit's keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from services.kernel.repository import cursor_id, cursor_time, cursors_of

R = TypeVar("R")


async def newest_first(session: AsyncSession, stmt: Select[tuple[R]],
                       at: InstrumentedAttribute[datetime], id_: InstrumentedAttribute[Any],
                       size: int, cursor: str) -> tuple[list[R], str]:
    """Up to `size` rows of `stmt` after `cursor`, and the next page's cursor ("" at the end)."""
    if cursor:
        c = cursors_of(session).decode(cursor, t=cursor_time, id=cursor_id)
        stmt = stmt.where(or_(at < c["t"], and_(at == c["t"], id_ < c["id"])))
    rows = list((await session.scalars(stmt.order_by(at.desc(), id_.desc())
                                       .limit(size + 1))).all())
    if len(rows) <= size:
        return rows, ""
    last = rows[size - 1]
    return rows[:size], cursors_of(session).encode(
        {"t": getattr(last, at.key).isoformat(), "id": str(getattr(last, id_.key))})

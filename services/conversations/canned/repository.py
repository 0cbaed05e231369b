"""SQL of canned replies (`unit.canned`). Flushes, never commits."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from services.conversations.models import CannedReply
from services.kernel.errors import Conflict
from services.kernel.repository import RepositoryBase


class CannedReplyRepository(RepositoryBase[CannedReply]):
    model = CannedReply

    async def all(self, limit: int) -> list[CannedReply]:
        return list((await self.session.scalars(
            select(CannedReply).order_by(func.lower(CannedReply.title), CannedReply.id)
            .limit(limit))).all())

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(CannedReply)) or 0)

    async def shortcut_taken(self, shortcut: str, but: uuid.UUID | None = None) -> bool:
        stmt = select(CannedReply.id).where(CannedReply.shortcut == shortcut)
        if but is not None:
            stmt = stmt.where(CannedReply.id != but)
        return bool(await self.session.scalar(select(stmt.exists())))

    async def lock(self, id_: uuid.UUID) -> CannedReply | None:
        return (await self.session.scalars(
            select(CannedReply).where(CannedReply.id == id_).with_for_update())).first()

    async def remove(self, id_: uuid.UUID) -> bool:
        gone = await self.session.execute(delete(CannedReply).where(CannedReply.id == id_))
        return bool(gone.rowcount)  # type: ignore[attr-defined]

    async def flush_unique(self, shortcut: str | None) -> None:
        """Write the changes; a shortcut a concurrent request took meanwhile is a Conflict
        (uq_canned_replies_shortcut), not an internal error."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            raise Conflict(f"shortcut /{shortcut} belongs to another canned reply") from exc

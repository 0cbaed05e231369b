"""All SQL of exports, and `ExportUnit`. A job writes in short units (one per page of rows or
chunk of file), so progress is visible to every replica while it runs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.exports.models import Export, ExportChunk, ExportStatus
from services.kernel.outbox import Outbox
from services.kernel.unit import Unit


class ExportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, export: Export) -> Export:
        self.session.add(export)
        await self.session.flush()
        return export

    async def get(self, id_: uuid.UUID) -> Export | None:
        """The export unless it has expired (a purge may not have run yet)."""
        return (await self.session.scalars(select(Export).where(
            Export.id == id_, Export.expires_at > func.now()))).first()

    async def active(self) -> int:
        """The tenant's exports queued or running; the tenant's requests wait for each other
        from here to their commit, so two at once cannot both pass the limit."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                                   {"k": f"exports:{self.session.info['tenant_id']}"})
        return int(await self.session.scalar(select(func.count()).select_from(Export).where(
            Export.status.in_([ExportStatus.QUEUED, ExportStatus.RUNNING]))) or 0)

    async def set_fields(self, id_: uuid.UUID, **values: object) -> None:
        await self.session.execute(update(Export).where(Export.id == id_).values(
            heartbeat_at=func.now(), **values))

    async def add_chunk(self, export_id: uuid.UUID, seq: int, data: bytes) -> None:
        self.session.add(ExportChunk(tenant_id=self.session.info["tenant_id"], export_id=export_id, seq=seq,
                                     data=data))
        await self.session.flush()

    async def chunk_seqs(self, export_id: uuid.UUID) -> Sequence[int]:
        return (await self.session.scalars(select(ExportChunk.seq).where(
            ExportChunk.export_id == export_id).order_by(ExportChunk.seq))).all()

    async def chunk(self, export_id: uuid.UUID, seq: int) -> bytes | None:
        return await self.session.scalar(select(ExportChunk.data).where(
            ExportChunk.export_id == export_id, ExportChunk.seq == seq))

    async def purge_expired(self) -> int:
        """Every tenant's expired exports (definer function, migration 0022)."""
        return int(await self.session.scalar(text("SELECT identity.purge_expired_exports()"))
                   or 0)

    async def fail_stale(self, before: datetime) -> None:
        """Jobs whose replica stopped beating (killed mid-export) fail, so nobody waits."""
        await self.session.execute(update(Export).where(
            Export.status.in_([ExportStatus.QUEUED, ExportStatus.RUNNING]),
            Export.heartbeat_at < before).values(
            status=ExportStatus.FAILED, error="interrupted: the export stopped; request it again"))


class ExportUnit(Unit):
    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.exports = ExportRepository(session)

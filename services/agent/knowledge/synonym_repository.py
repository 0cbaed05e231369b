"""SQL of the seller's synonym groups (agent.synonym_groups, under the tenant's RLS)."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select, text, update

from services.agent.knowledge.models import SynonymGroup
from services.kernel.repository import RepositoryBase
from services.kernel.tenancy import require_tenant


class SynonymRepository(RepositoryBase[SynonymGroup]):
    model = SynonymGroup

    async def all(self) -> list[SynonymGroup]:
        """Oldest first: a tenant has at most a few hundred."""
        return list((await self.session.scalars(
            select(SynonymGroup).order_by(SynonymGroup.created_at, SynonymGroup.id))).all())

    async def words(self) -> list[list[str]]:
        """Every group's words, for retrieval (thesaurus.py)."""
        return [list(w) for w in (await self.session.scalars(
            select(SynonymGroup.words).order_by(SynonymGroup.created_at, SynonymGroup.id))).all()]

    async def count_locked(self) -> int:
        """The tenant's group count, with the tenant's creations serialised until commit (a
        transaction-scoped advisory lock), so two concurrent creations cannot pass the cap."""
        await self.session.execute(text(
            "SELECT pg_advisory_xact_lock(hashtext("
            "'agent.synonym_groups:' || current_setting('app.tenant_id', true)))"))
        return int(await self.session.scalar(
            select(func.count()).select_from(SynonymGroup)) or 0)

    async def create(self, words: list[str]) -> SynonymGroup:
        group = self.add(SynonymGroup(tenant_id=require_tenant(), words=words))
        await self.session.flush()
        return group

    async def replace(self, id_: uuid.UUID, words: list[str]) -> SynonymGroup | None:
        found = await self.session.scalar(
            update(SynonymGroup).where(SynonymGroup.id == id_)
            .values(words=words, updated_at=func.clock_timestamp())
            .returning(SynonymGroup.id))
        return None if found is None else await self.session.get(
            SynonymGroup, found, populate_existing=True)

    async def delete(self, id_: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(SynonymGroup).where(SynonymGroup.id == id_).returning(SynonymGroup.id))
        return result.first() is not None

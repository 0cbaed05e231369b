"""The knowledge base as the answering side reads it: each lookup in its own short unit of work
(never one held open across an LLM call), with the tenant's embedder when one is configured."""

from __future__ import annotations

import uuid

import httpx

from services.agent.knowledge.embeddings import OpenAIEmbedder
from services.agent.knowledge.retrieval import (
    Embedder,
    EmbedderFor,
    Hit,
    match_faq,
    rank_faq,
    search,
)
from services.agent.repository import AgentUnit
from services.agent.settings.service import SettingsStore
from services.kernel.unit import Units
from services.kernel.urls import OutboundGuard


class Knowledge:
    def __init__(self, units: Units[AgentUnit], embedder_for: EmbedderFor) -> None:
        self.units, self.embedder_for = units, embedder_for

    async def search(self, tenant_id: uuid.UUID, query: str, limit: int = 5) -> list[Hit]:
        embedder = await self.embedder_for(tenant_id)
        async with self.units(tenant_id) as unit:
            return await search(unit.session, query, limit=limit, embedder=embedder)

    async def match_faq(self, tenant_id: uuid.UUID, question: str) -> Hit | None:
        embedder = await self.embedder_for(tenant_id)
        async with self.units(tenant_id) as unit:
            return await match_faq(unit.session, question, embedder=embedder)

    async def rank_faq(self, tenant_id: uuid.UUID, question: str) -> list[Hit]:
        """The best FAQ entries, best first (the first answers; knowledge/confidence.py)."""
        embedder = await self.embedder_for(tenant_id)
        async with self.units(tenant_id) as unit:
            return await rank_faq(unit.session, question, embedder=embedder)


class TenantEmbedders:
    """The tenant's embedder, for indexing (KnowledgeService) and for answering alike: the
    tenant-level endpoint and embeddings model, when both are set (vectors must come from one
    model per tenant, so channel overrides do not apply here). Every embedder shares one HTTP
    pool, the guard's pinned client (closed with the process)."""

    def __init__(self, units: Units[AgentUnit], store: SettingsStore, timeout_s: float,
                 max_retries: int, guard: OutboundGuard) -> None:
        self.units, self.store = units, store
        self.timeout_s, self.max_retries = timeout_s, max_retries
        self.http = guard.client(timeout=timeout_s, limits=httpx.Limits(
            max_connections=50, max_keepalive_connections=10))

    async def __call__(self, tenant_id: uuid.UUID) -> Embedder | None:
        async with self.units(tenant_id) as unit:
            settings = await self.store.effective(unit, None)
        if not (settings.base_url and settings.embeddings_model):
            return None
        return OpenAIEmbedder(settings.base_url, settings.api_key, settings.embeddings_model,
                              http=self.http, timeout_s=self.timeout_s,
                              max_retries=self.max_retries)

    async def close(self) -> None:
        await self.http.aclose()

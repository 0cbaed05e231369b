"""Rules behind the AgentService RPCs: settings, preview, usage, audit. No gRPC, no SQL here."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.audit import AuditWriter, cost_of
from services.agent.audit_repository import AuditRepository, UsageTotals
from services.agent.clock import Clock
from services.agent.models import AuditEntry
from services.agent.pipeline import Answer, Pipeline, Turn
from services.agent.settings_store import Change, SettingsStore, SettingsView
from services.kernel.db import Database
from services.kernel.errors import InvalidArgument
from services.kernel.repository import page_size

MAX_QUESTION = 4000
DEFAULT_USAGE_WINDOW = timedelta(days=30)
MAX_USAGE_WINDOW = timedelta(days=366)


@dataclass(frozen=True)
class PreviewResult:
    answer: Answer
    latency_ms: int
    cost: float
    audit: AuditEntry


class AgentService:
    def __init__(self, db: Database, store: SettingsStore, pipeline: Pipeline,
                 audit: AuditWriter, clock: Clock) -> None:
        self.db, self.store, self.pipeline, self.audit, self.clock = db, store, pipeline, audit, clock

    async def get_settings(self, session: AsyncSession, channel_id: uuid.UUID | None) -> SettingsView:
        return await self.store.view(session, channel_id)

    async def update_settings(self, session: AsyncSession, channel_id: uuid.UUID | None,
                              change: Change) -> SettingsView:
        if not change.values and not change.reset and change.api_key is None:
            raise InvalidArgument("name at least one field in update_fields or reset_fields")
        return await self.store.update(session, channel_id, change)

    async def usage(self, session: AsyncSession, start: datetime | None,
                    end: datetime | None) -> tuple[UsageTotals, datetime, datetime]:
        end = end or self.clock.now()
        start = start or end - DEFAULT_USAGE_WINDOW
        if start >= end or end - start > MAX_USAGE_WINDOW:
            raise InvalidArgument("`from` must be before `to`, at most 366 days apart")
        return await AuditRepository(session).usage(start, end), start, end

    async def list_audit(self, session: AsyncSession, conversation_id: uuid.UUID | None,
                         size: int, cursor: str) -> tuple[list[AuditEntry], str]:
        return await AuditRepository(session).list_page(conversation_id, page_size(size), cursor)

    async def preview(self, tenant_id: uuid.UUID, question: str, channel_id: uuid.UUID | None,
                      listing: common.Listing) -> PreviewResult:
        """The pipeline on a test question, with nothing sent and nobody handed over. Model
        calls run between two short units of work (settings, then the flagged audit entry)."""
        question = question.strip()
        if not question or len(question) > MAX_QUESTION:
            raise InvalidArgument(f"question must be 1 to {MAX_QUESTION} characters")
        async with self.db.unit_of_work(tenant_id) as session:
            settings = await self.store.effective(session, channel_id)
        buyer = conv_pb.Message(id=str(uuid.uuid4()), sender=conv_pb.SENDER_KIND_CONTACT,
                                content_type="text", text=question)
        started = time.perf_counter()
        answer = await self.pipeline.answer(Turn(tenant_id, settings, [buyer], 1, listing))
        latency_ms = int((time.perf_counter() - started) * 1000)
        async with self.db.unit_of_work(tenant_id) as session:
            entry = await self.audit.record(session, answer, now=self.clock.now(),
                                            latency_ms=latency_ms, channel_id=channel_id,
                                            preview=True)
        cost = cost_of(self.audit.prices, answer.model, answer.prompt_tokens,
                       answer.completion_tokens)
        return PreviewResult(answer, latency_ms, cost, entry)

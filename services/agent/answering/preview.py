"""Preview: the pipeline on a test question, with nothing sent and nobody handed over, and why
(the decision's reason code, the threshold it compared with, the entries it weighed). Model
calls run between two short units of work (settings, then the flagged audit entry)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering.clock import Clock
from services.agent.answering.pipeline import Answer, Pipeline, Turn
from services.agent.audit.models import AuditEntry
from services.agent.audit.service import AuditWriter, cost_of
from services.agent.repository import AgentUnit
from services.agent.settings.service import SettingsStore
from services.kernel.errors import InvalidArgument
from services.kernel.unit import Units

MAX_QUESTION = 4000


@dataclass(frozen=True)
class PreviewResult:
    """The answer (with its reason code, confidence and the entries weighed: pipeline.Answer),
    what it took, and the threshold the confidence was compared with."""

    answer: Answer
    latency_ms: int
    cost: float
    audit: AuditEntry
    threshold: float


class Previews:
    def __init__(self, units: Units[AgentUnit], store: SettingsStore, pipeline: Pipeline,
                 audit: AuditWriter, clock: Clock) -> None:
        self.units, self.store, self.pipeline, self.audit = units, store, pipeline, audit
        self.clock = clock

    async def run(self, tenant_id: uuid.UUID, question: str, channel_id: uuid.UUID | None,
                  listing: common.Listing) -> PreviewResult:
        question = question.strip()
        if not question or len(question) > MAX_QUESTION:
            raise InvalidArgument(f"question must be 1 to {MAX_QUESTION} characters")
        async with self.units(tenant_id) as unit:
            settings = await self.store.effective(unit, channel_id)
        buyer = conv_pb.Message(id=str(uuid.uuid4()), sender=conv_pb.SENDER_KIND_CONTACT,
                                content_type="text", text=question)
        started = time.perf_counter()
        answer = await self.pipeline.answer(Turn(tenant_id, settings, [buyer], 1, listing))
        latency_ms = int((time.perf_counter() - started) * 1000)
        async with self.units(tenant_id) as unit:
            entry = await self.audit.record(unit, answer, now=self.clock.now(),
                                            latency_ms=latency_ms, channel_id=channel_id,
                                            preview=True)
        cost = cost_of(self.audit.prices, answer.model, answer.prompt_tokens,
                       answer.completion_tokens)
        return PreviewResult(answer, latency_ms, cost, entry, settings.faq_match_threshold)

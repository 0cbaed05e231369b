"""gRPC AgentService: proto <-> domain, one unit of work per call (Preview and AnswerUnanswered
work outside a transaction between their own units: see their services)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from services.agent.audit.mapping import (
    OUTCOME_TO_PB,
    STATE_FROM_PB,
    audit_to_proto,
    health_to_proto,
    hit_to_proto,
    unanswered_to_proto,
)
from services.agent.audit.unanswered import UnansweredQuestions
from services.agent.repository import AgentUnit
from services.agent.service import AgentService
from services.agent.settings.mapping import values_from_proto, view_to_proto
from services.agent.settings.rules import API_KEY
from services.agent.settings.service import Change
from services.kernel.errors import InvalidArgument
from services.kernel.repository import parse_uuid
from services.kernel.tenancy import require_tenant
from services.kernel.timestamps import timestamp
from services.kernel.unit import Units


class AgentServicer(rpc.AgentServiceServicer):
    def __init__(self, units: Units[AgentUnit], service: AgentService,
                 unanswered: UnansweredQuestions) -> None:
        self.units, self.service, self.unanswered = units, service, unanswered

    async def GetSettings(self, request: pb.GetSettingsRequest,
                          context: ServicerContext) -> pb.GetSettingsResponse:
        async with self.units() as unit:
            view = await self.service.get_settings(unit, _channel(request.channel_id))
        return view_to_proto(view)

    async def UpdateSettings(self, request: pb.UpdateSettingsRequest,
                             context: ServicerContext) -> pb.UpdateSettingsResponse:
        fields = set(request.update_fields)
        change = Change(values=values_from_proto(request.settings, fields),
                        reset=frozenset(request.reset_fields),
                        api_key=request.api_key.strip() if API_KEY in fields else None)
        await self.service.vet_endpoint(change)  # resolves a name: outside the transaction
        async with self.units() as unit:
            view = await self.service.update_settings(unit, _channel(request.channel_id), change)
        return pb.UpdateSettingsResponse(settings=view_to_proto(view))

    async def Preview(self, request: pb.PreviewRequest,
                      context: ServicerContext) -> pb.PreviewResponse:
        result = await self.service.preview(require_tenant(), request.question,
                                            _channel(request.channel_id), request.listing)
        a = result.answer
        return pb.PreviewResponse(
            outcome=OUTCOME_TO_PB[a.outcome], reply=a.text, reason=a.reason,
            chunks=[hit_to_proto(h) for h in a.hits], mode=a.mode, model=a.model,
            prompt_tokens=a.prompt_tokens, completion_tokens=a.completion_tokens,
            latency_ms=result.latency_ms, cost_estimate=result.cost,
            audit_id=str(result.audit.id), reason_code=a.reason_code, threshold=result.threshold,
            candidates=[hit_to_proto(h) for h in a.candidates], confidence=a.confidence)

    async def GetUsage(self, request: pb.GetUsageRequest,
                       context: ServicerContext) -> pb.GetUsageResponse:
        async with self.units() as unit:
            totals, start, end = await self.service.usage(
                unit, _time(request, "from"), _time(request, "to"))
        models = [pb.ModelUsage(model=m.model, prompt_tokens=m.prompt_tokens,
                                completion_tokens=m.completion_tokens, cost_estimate=m.cost)
                  for m in totals.by_model]
        return pb.GetUsageResponse(
            replies=totals.replies, handoffs=totals.handoffs, skipped=totals.skipped,
            previews=totals.previews, prompt_tokens=sum(m.prompt_tokens for m in models),
            completion_tokens=sum(m.completion_tokens for m in models),
            cost_estimate=sum(m.cost_estimate for m in models), by_model=models,
            to=timestamp(end), **{"from": timestamp(start)})

    async def ListAudit(self, request: pb.ListAuditRequest,
                        context: ServicerContext) -> pb.ListAuditResponse:
        conversation = parse_uuid(request.conversation_id, "conversation_id") \
            if request.conversation_id else None
        async with self.units() as unit:
            rows, cursor = await self.service.list_audit(
                unit, conversation, request.page.page_size, request.page.cursor)
        return pb.ListAuditResponse(
            entries=[audit_to_proto(r) for r in rows],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def GetAgentHealth(self, request: pb.GetAgentHealthRequest,
                             context: ServicerContext) -> pb.GetAgentHealthResponse:
        async with self.units() as unit:
            health = await self.service.health(unit)
        return health_to_proto(health, self.service.health_failures,
                               int(self.service.health_window.total_seconds()))


    async def ListUnanswered(self, request: pb.ListUnansweredRequest,
                             context: ServicerContext) -> pb.ListUnansweredResponse:
        state = STATE_FROM_PB.get(request.state)
        if state is None:
            raise InvalidArgument("`state` must be open, answered or dismissed")
        async with self.units() as unit:
            rows, cursor = await self.unanswered.page(
                unit, state, request.page.page_size, request.page.cursor)
        return pb.ListUnansweredResponse(
            questions=[unanswered_to_proto(r) for r in rows],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def AnswerUnanswered(self, request: pb.AnswerUnansweredRequest,
                               context: ServicerContext) -> pb.AnswerUnansweredResponse:
        row, document_id = await self.unanswered.answer(
            require_tenant(), parse_uuid(request.id), request.question, request.answer)
        return pb.AnswerUnansweredResponse(question=unanswered_to_proto(row),
                                           document_id=str(document_id))

    async def DismissUnanswered(self, request: pb.DismissUnansweredRequest,
                                context: ServicerContext) -> pb.DismissUnansweredResponse:
        async with self.units() as unit:
            row = await self.unanswered.dismiss(unit, parse_uuid(request.id))
        return pb.DismissUnansweredResponse(question=unanswered_to_proto(row))


def _channel(value: str) -> uuid.UUID | None:
    return parse_uuid(value, "channel_id") if value else None


def _time(request: pb.GetUsageRequest, name: str) -> datetime | None:
    if not request.HasField(name):
        return None
    ts: Timestamp = getattr(request, name)
    try:
        return ts.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):  # nanos out of range, before year 1 or after 9999
        raise InvalidArgument(f"`{name}` is not a valid time") from None

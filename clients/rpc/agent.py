"""AgentClient: the AI agent's settings, preview, usage, audit, health and the questions it
could not answer, over gRPC."""

from __future__ import annotations

import uuid
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2

# A preview may call the model (with its own timeout and retries) several times.
PREVIEW_DEADLINE_S = 120.0


class AgentClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.AgentServiceStub(self.channel)

    async def get_settings(self, tenant_id: uuid.UUID,
                           channel_id: str = "") -> pb.GetSettingsResponse:
        return await self._call(self._stub.GetSettings,
                                pb.GetSettingsRequest(channel_id=channel_id), tenant_id)

    async def update_settings(self, tenant_id: uuid.UUID,
                              request: pb.UpdateSettingsRequest) -> pb.GetSettingsResponse:
        resp = await self._call(self._stub.UpdateSettings, request, tenant_id)
        return resp.settings

    async def preview(self, tenant_id: uuid.UUID, question: str, *, channel_id: str = "",
                      listing: common.Listing | None = None) -> pb.PreviewResponse:
        request = pb.PreviewRequest(question=question, channel_id=channel_id, listing=listing)
        return await self._call(self._stub.Preview, request, tenant_id,
                                deadline_s=PREVIEW_DEADLINE_S)

    async def get_usage(self, tenant_id: uuid.UUID, start: datetime | None = None,
                        end: datetime | None = None) -> pb.GetUsageResponse:
        request = pb.GetUsageRequest(to=_ts(end), **{"from": _ts(start)})
        return await self._call(self._stub.GetUsage, request, tenant_id)

    async def list_audit(self, tenant_id: uuid.UUID, *, conversation_id: str = "",
                         page_size: int = 0, cursor: str = "") -> pb.ListAuditResponse:
        request = pb.ListAuditRequest(
            conversation_id=conversation_id,
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListAudit, request, tenant_id)

    async def get_health(self, tenant_id: uuid.UUID) -> pb.GetAgentHealthResponse:
        return await self._call(self._stub.GetAgentHealth, pb.GetAgentHealthRequest(), tenant_id)

    async def list_unanswered(self, tenant_id: uuid.UUID, *, state: int = 0, page_size: int = 0,
                              cursor: str = "") -> pb.ListUnansweredResponse:
        request = pb.ListUnansweredRequest(
            state=state,  # type: ignore[arg-type]
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListUnanswered, request, tenant_id)

    async def answer_unanswered(self, tenant_id: uuid.UUID, id_: str, *, question: str,
                                answer: str) -> pb.AnswerUnansweredResponse:
        request = pb.AnswerUnansweredRequest(id=id_, question=question, answer=answer)
        # Adding the entry may embed it with the tenant's model (its own timeout and retries).
        return await self._call(self._stub.AnswerUnanswered, request, tenant_id,
                                deadline_s=PREVIEW_DEADLINE_S)

    async def dismiss_unanswered(self, tenant_id: uuid.UUID, id_: str) -> pb.UnansweredQuestion:
        resp = await self._call(self._stub.DismissUnanswered,
                                pb.DismissUnansweredRequest(id=id_), tenant_id)
        return resp.question


def _ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts

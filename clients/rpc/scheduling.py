"""SchedulingClient: schedules, manual runs and run history over gRPC."""

from __future__ import annotations

import uuid

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2_grpc as rpc


class SchedulingClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.SchedulingServiceStub(self.channel)

    async def create(self, tenant_id: uuid.UUID, schedule: pb.Schedule) -> pb.Schedule:
        resp = await self._call(self._stub.CreateSchedule,
                                pb.CreateScheduleRequest(schedule=schedule), tenant_id)
        return resp.schedule

    async def get(self, tenant_id: uuid.UUID, id_: str) -> pb.Schedule:
        resp = await self._call(self._stub.GetSchedule, pb.GetScheduleRequest(id=id_), tenant_id)
        return resp.schedule

    async def list(self, tenant_id: uuid.UUID, *, page_size: int = 0,
                   cursor: str = "") -> pb.ListSchedulesResponse:
        request = pb.ListSchedulesRequest(
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListSchedules, request, tenant_id)

    async def update(self, tenant_id: uuid.UUID, id_: str, schedule: pb.Schedule,
                     fields: list[str]) -> pb.Schedule:
        request = pb.UpdateScheduleRequest(id=id_, schedule=schedule, update_fields=fields)
        resp = await self._call(self._stub.UpdateSchedule, request, tenant_id)
        return resp.schedule

    async def delete(self, tenant_id: uuid.UUID, id_: str) -> None:
        await self._call(self._stub.DeleteSchedule, pb.DeleteScheduleRequest(id=id_), tenant_id)

    async def run_now(self, tenant_id: uuid.UUID, id_: str) -> pb.Run:
        resp = await self._call(self._stub.RunScheduleNow, pb.RunScheduleNowRequest(id=id_),
                                tenant_id)
        return resp.run

    async def runs(self, tenant_id: uuid.UUID, schedule_id: str, *, page_size: int = 0,
                   cursor: str = "") -> pb.ListScheduleRunsResponse:
        request = pb.ListScheduleRunsRequest(
            schedule_id=schedule_id,
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListScheduleRuns, request, tenant_id)

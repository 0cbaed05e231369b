"""gRPC SchedulingService: proto <-> domain (mapping.py), one unit of work per call."""

from __future__ import annotations

from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2_grpc as rpc
from services.kernel.repository import page_size, parse_uuid
from services.kernel.unit import Units
from services.scheduling.mapping import fields_from, run_to_proto, schedule_to_proto
from services.scheduling.repository import SchedulingUnit
from services.scheduling.service import SchedulingService

SERVICE_NAME = "switchboard.scheduling.v1.SchedulingService"


class SchedulingServicer(rpc.SchedulingServiceServicer):
    def __init__(self, units: Units[SchedulingUnit], service: SchedulingService) -> None:
        self.units, self.service = units, service

    async def CreateSchedule(self, request: pb.CreateScheduleRequest,
                             context: ServicerContext) -> pb.CreateScheduleResponse:
        fields = fields_from(request.schedule)
        async with self.units() as unit:
            view = await self.service.create(unit, fields)
        return pb.CreateScheduleResponse(schedule=schedule_to_proto(view))

    async def GetSchedule(self, request: pb.GetScheduleRequest,
                          context: ServicerContext) -> pb.GetScheduleResponse:
        async with self.units() as unit:
            view = await self.service.get(unit, parse_uuid(request.id, "schedule id"))
        return pb.GetScheduleResponse(schedule=schedule_to_proto(view))

    async def ListSchedules(self, request: pb.ListSchedulesRequest,
                            context: ServicerContext) -> pb.ListSchedulesResponse:
        size = page_size(request.page.page_size)
        async with self.units() as unit:
            views, cursor = await self.service.list(unit, size, request.page.cursor)
        return pb.ListSchedulesResponse(
            schedules=[schedule_to_proto(v) for v in views],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def UpdateSchedule(self, request: pb.UpdateScheduleRequest,
                             context: ServicerContext) -> pb.UpdateScheduleResponse:
        fields = fields_from(request.schedule, frozenset(request.update_fields))
        async with self.units() as unit:
            view = await self.service.update(unit, parse_uuid(request.id, "schedule id"), fields)
        return pb.UpdateScheduleResponse(schedule=schedule_to_proto(view))

    async def DeleteSchedule(self, request: pb.DeleteScheduleRequest,
                             context: ServicerContext) -> pb.DeleteScheduleResponse:
        async with self.units() as unit:
            await self.service.delete(unit, parse_uuid(request.id, "schedule id"))
        return pb.DeleteScheduleResponse()

    async def RunScheduleNow(self, request: pb.RunScheduleNowRequest,
                             context: ServicerContext) -> pb.RunScheduleNowResponse:
        async with self.units() as unit:
            run = await self.service.run_now(unit, parse_uuid(request.id, "schedule id"))
        return pb.RunScheduleNowResponse(run=run_to_proto(run))

    async def ListScheduleRuns(self, request: pb.ListScheduleRunsRequest,
                               context: ServicerContext) -> pb.ListScheduleRunsResponse:
        size = page_size(request.page.page_size)
        async with self.units() as unit:
            runs, cursor = await self.service.runs(
                unit, parse_uuid(request.schedule_id, "schedule id"), size, request.page.cursor)
        return pb.ListScheduleRunsResponse(
            runs=[run_to_proto(r) for r in runs],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

"""gRPC PlatformJobs (operators, tenantless): proto <-> domain, one tenantless unit per call."""

from __future__ import annotations

from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2 as pb
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2_grpc as rpc
from services.kernel.timestamps import timestamp
from services.kernel.unit import Units
from services.scheduling.jobs.repository import JobRun, JobView
from services.scheduling.jobs.service import PlatformJobsService
from services.scheduling.repository import SchedulingUnit

JOBS_SERVICE_NAME = "switchboard.scheduling.v1.PlatformJobs"
TENANTLESS = frozenset(f"/{JOBS_SERVICE_NAME}/{rpc_name}" for rpc_name in (
    "ListPlatformJobs", "ListPlatformJobRuns", "RunPlatformJobNow"))


class PlatformJobsServicer(rpc.PlatformJobsServicer):
    def __init__(self, units: Units[SchedulingUnit], service: PlatformJobsService) -> None:
        self.units, self.service = units, service

    async def ListPlatformJobs(self, request: pb.ListPlatformJobsRequest,
                               context: ServicerContext) -> pb.ListPlatformJobsResponse:
        async with self.units.tenantless() as unit:
            views = await self.service.jobs(unit)
        return pb.ListPlatformJobsResponse(jobs=[job_to_proto(v) for v in views])

    async def ListPlatformJobRuns(self, request: pb.ListPlatformJobRunsRequest,
                                  context: ServicerContext) -> pb.ListPlatformJobRunsResponse:
        async with self.units.tenantless() as unit:
            runs = await self.service.runs(unit, request.job, request.limit)
        return pb.ListPlatformJobRunsResponse(runs=[run_to_proto(r) for r in runs])

    async def RunPlatformJobNow(self, request: pb.RunPlatformJobNowRequest,
                                context: ServicerContext) -> pb.RunPlatformJobNowResponse:
        async with self.units.tenantless() as unit:
            view = await self.service.run_now(unit, request.job)
        return pb.RunPlatformJobNowResponse(job=job_to_proto(view))


def job_to_proto(view: JobView) -> pb.PlatformJob:
    return pb.PlatformJob(
        name=view.name, interval_s=view.interval_s, enabled=view.enabled,
        next_run_at=timestamp(view.next_run_at),
        last_run=run_to_proto(view.last_run) if view.last_run is not None else None)


def run_to_proto(run: JobRun) -> pb.PlatformJobRun:
    return pb.PlatformJobRun(
        id=str(run.id), job=run.job, trigger=run.trigger, status=run.status, error=run.error,
        processed=run.processed, failed=run.failed, remaining=run.remaining, detail=run.detail,
        slot=timestamp(run.slot), started_at=timestamp(run.started_at),
        finished_at=timestamp(run.finished_at))

"""Platform jobs over gRPC: `PlatformJobRunnerClient` (scheduling asks an owner for one round),
`PlatformJobsClient` (operators: list, history, run now), and `PlatformJobRunnerServicer`,
the runner every owner serves (channels, analytics). All tenantless."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2 as pb
from clients.rpc.gen.switchboard.scheduling.v1 import platform_jobs_pb2_grpc as rpc
from services.kernel.errors import InvalidArgument

log = logging.getLogger(__name__)
RUNNER_SERVICE_NAME = "switchboard.scheduling.v1.PlatformJobRunner"
RUNNER_TENANTLESS = frozenset({f"/{RUNNER_SERVICE_NAME}/RunPlatformJob"})

# The owner gets the round's deadline; the call's own is a little longer, so the answer of a
# round that used all of it still arrives.
_ANSWER_MARGIN_S = 5.0


class PlatformJobRunnerClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.PlatformJobRunnerStub(self.channel)

    async def run(self, job: str, run_id: str, deadline_s: float) -> pb.RunPlatformJobResponse:
        request = pb.RunPlatformJobRequest(job=job, run_id=run_id, deadline_s=deadline_s)
        return await self._call(self._stub.RunPlatformJob, request, None,
                                deadline_s=deadline_s + _ANSWER_MARGIN_S)


class PlatformJobsClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.PlatformJobsStub(self.channel)

    async def jobs(self) -> list[pb.PlatformJob]:
        resp = await self._call(self._stub.ListPlatformJobs, pb.ListPlatformJobsRequest(), None)
        return list(resp.jobs)

    async def runs(self, job: str, limit: int = 0) -> list[pb.PlatformJobRun]:
        resp = await self._call(self._stub.ListPlatformJobRuns,
                                pb.ListPlatformJobRunsRequest(job=job, limit=limit), None)
        return list(resp.runs)

    async def run_now(self, job: str) -> pb.PlatformJob:
        resp = await self._call(self._stub.RunPlatformJobNow,
                                pb.RunPlatformJobNowRequest(job=job), None)
        return resp.job


@dataclass(frozen=True)
class RoundOutcome:
    """What one round of a platform job did (the owner's side of RunPlatformJob)."""

    processed: int
    failed: int
    remaining: int
    detail: str


Round = Callable[[float], Awaitable[RoundOutcome]]


class PlatformJobRunnerServicer(rpc.PlatformJobRunnerServicer):
    """The owners' side, shared: a job's name -> its round (given the deadline). Served
    tenantless (`RUNNER_TENANTLESS`), to scheduling only (permissions.OWN_RPCS)."""

    def __init__(self, rounds: Mapping[str, Round]) -> None:
        self._rounds = dict(rounds)

    async def RunPlatformJob(self, request: pb.RunPlatformJobRequest,
                             context: object) -> pb.RunPlatformJobResponse:
        round_ = self._rounds.get(request.job)
        if round_ is None:
            raise InvalidArgument(f"this component runs no platform job {request.job!r}; it "
                                  f"runs {', '.join(sorted(self._rounds)) or 'none'}")
        if not 0 < request.deadline_s <= 600:
            raise InvalidArgument("deadline_s must be in (0, 600]")
        log.info("platform job round", extra={"job": request.job, "run_id": request.run_id})
        done = await round_(request.deadline_s)
        return pb.RunPlatformJobResponse(processed=done.processed, failed=done.failed,
                                         remaining=done.remaining, detail=done.detail)

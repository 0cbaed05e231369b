"""The operators' rules over platform jobs: listing, history, run now (`switchboard jobs`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from services.kernel.errors import InvalidArgument, NotFound
from services.scheduling.jobs.repository import JobRun, JobView
from services.scheduling.repository import SchedulingUnit

DEFAULT_RUNS, MAX_RUNS = 20, 200
_NAME = re.compile(r"[a-z][a-z_]{0,30}\.[a-z][a-z_]{0,30}")


class PlatformJobsService:
    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake  # this replica's scheduler looks at once

    async def jobs(self, unit: SchedulingUnit) -> list[JobView]:
        return await unit.platform_jobs.jobs()

    async def runs(self, unit: SchedulingUnit, job: str, limit: int) -> list[JobRun]:
        if not 0 <= limit <= MAX_RUNS:
            raise InvalidArgument(f"limit must be 1..{MAX_RUNS} (0 = {DEFAULT_RUNS})")
        await self.get(unit, job)
        return await unit.platform_jobs.runs(job, limit or DEFAULT_RUNS)

    async def run_now(self, unit: SchedulingUnit, job: str) -> JobView:
        await unit.platform_jobs.request_now(_named(job))
        self._wake()
        return await self.get(unit, job)

    async def get(self, unit: SchedulingUnit, job: str) -> JobView:
        name = _named(job)
        for view in await unit.platform_jobs.jobs():
            if view.name == name:
                return view
        raise NotFound(f"no platform job {name!r}; `switchboard jobs` lists them")


def _named(job: str) -> str:
    name = job.strip()
    if not _NAME.fullmatch(name):
        raise InvalidArgument("name a job as `switchboard jobs` lists it (e.g. channels.reconcile)")
    return name

"""REST: schedules (`/v1/schedules`) — create, list, get, change, delete, run now, run history.
Reading needs the read scope, changing and running the write scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gateway.auth import AUTH_PROBLEMS, Reader, Writer, problem_responses
from gateway.scheduling.forms import ScheduleIn, SchedulePatch, schedule_proto
from gateway.scheduling.schemas import RunList, ScheduleList
from gateway.scheduling.views import RunOut, ScheduleOut
from gateway.schemas import PageOut
from gateway.state import State

router = APIRouter(prefix="/schedules", tags=["schedules"])


@router.post("", status_code=201, response_model=ScheduleOut,
             responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def create_schedule(body: ScheduleIn, principal: Writer, state: State) -> ScheduleOut:
    """A report on a schedule: daily, every N days, weekly on chosen days or monthly, at a
    local time in an IANA zone, to a Telegram chat (through your registered bot) or a signed
    webhook. An unknown zone, a bad time, no weekdays, a day of the month outside 1..31 or a
    webhook URL that is not public is a 422 saying which."""
    return ScheduleOut.from_proto(
        await state.scheduling.create(principal.tenant_id, schedule_proto(body)))


@router.get("", response_model=ScheduleList, responses={**AUTH_PROBLEMS})
async def list_schedules(principal: Reader, state: State,
                         limit: Annotated[int, Query(ge=1, le=100)] = 50,
                         cursor: str = "") -> ScheduleList:
    resp = await state.scheduling.list(principal.tenant_id, page_size=limit, cursor=cursor)
    return ScheduleList(items=[ScheduleOut.from_proto(s) for s in resp.schedules],
                        page=PageOut.from_proto(resp.page_info))


@router.get("/{schedule_id}", response_model=ScheduleOut,
            responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def get_schedule(schedule_id: str, principal: Reader, state: State) -> ScheduleOut:
    return ScheduleOut.from_proto(await state.scheduling.get(principal.tenant_id, schedule_id))


@router.patch("/{schedule_id}", response_model=ScheduleOut,
              responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def update_schedule(schedule_id: str, body: SchedulePatch, principal: Writer,
                          state: State) -> ScheduleOut:
    """The fields given change (a webhook destination without a secret keeps the stored one);
    the next run moves with the timing."""
    return ScheduleOut.from_proto(await state.scheduling.update(
        principal.tenant_id, schedule_id, schedule_proto(body), body.fields()))


@router.delete("/{schedule_id}", status_code=204, response_class=Response,
               responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def delete_schedule(schedule_id: str, principal: Writer, state: State) -> Response:
    await state.scheduling.delete(principal.tenant_id, schedule_id)
    return Response(status_code=204)


@router.post("/{schedule_id}/run", status_code=202, response_model=RunOut,
             responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def run_schedule_now(schedule_id: str, principal: Writer, state: State) -> RunOut:
    """Queue a run now (a disabled schedule too); follow it in `/runs`."""
    return RunOut.from_proto(await state.scheduling.run_now(principal.tenant_id, schedule_id))


@router.get("/{schedule_id}/runs", response_model=RunList,
            responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def list_runs(schedule_id: str, principal: Reader, state: State,
                    limit: Annotated[int, Query(ge=1, le=100)] = 50,
                    cursor: str = "") -> RunList:
    """Newest first: status, error, when it started and finished, delivery attempts."""
    resp = await state.scheduling.runs(principal.tenant_id, schedule_id, page_size=limit,
                                       cursor=cursor)
    return RunList(items=[RunOut.from_proto(r) for r in resp.runs],
                   page=PageOut.from_proto(resp.page_info))

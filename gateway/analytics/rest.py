"""REST: analytics (`/v1/analytics`) — the metric catalogue, inbox metrics, reports (JSON, HTML
or PNG by `format` or Accept), the tenant's analytics settings. Reading needs the read scope,
changing the settings admin."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from gateway.analytics.forms import (
    FORMATS,
    AnalyticsSettingsIn,
    Format,
    GroupBy,
    ReportSpecIn,
    inbox_request,
)
from gateway.analytics.schemas import InboxOut, MetricOut, settings_out
from gateway.auth import AUTH_PROBLEMS, Admin, Reader, problem_responses
from gateway.errors import ProblemError
from gateway.schemas import Timestamp
from gateway.state import State

router = APIRouter(prefix="/analytics", tags=["analytics"])
_ERRORS = {**AUTH_PROBLEMS, **problem_responses(422)}
MEDIA = {"json": "application/json", "html": "text/html; charset=utf-8", "png": "image/png"}


@router.get("/metrics", response_model=list[MetricOut], responses={**AUTH_PROBLEMS})
async def list_metrics(principal: Reader, state: State) -> list[MetricOut]:
    """Every metric key a report may name, its Russian title, unit and source."""
    resp = await state.analytics.list_metrics(principal.tenant_id)
    return [MetricOut(key=m.key, title=m.title, unit=m.unit, source=m.source, default=m.default)
            for m in resp.metrics]


@router.get("/inbox", response_model=InboxOut, responses=_ERRORS)
async def inbox(principal: Reader, state: State,
                from_: Annotated[Timestamp, Query(alias="from")], to: Timestamp,
                channel_id: str = "", group_by: GroupBy | None = None,
                time_zone: Annotated[str, Query(max_length=64)] = "") -> InboxOut:
    """Inbox metrics over [from, to) (at most 366 days; hours starting in it), in total and by
    channel, listing, assignee or local day of `time_zone`. Durations are null when there was
    nothing to measure; `waiting` is now, whatever the range."""
    request = inbox_request(from_, to, channel_id, group_by, time_zone)
    return InboxOut.from_proto(await state.analytics.get_inbox_metrics(principal.tenant_id,
                                                                       request))


@router.post("/reports", responses={
    **_ERRORS, 200: {"content": {m: {} for m in MEDIA.values()},
                     "description": "The report: JSON (default), Telegram HTML or a PNG chart"}})
async def render_report(body: ReportSpecIn, principal: Reader, state: State, request: Request,
                        format: Format | None = None) -> Response:
    """A report rendered now. The format is `format`, else the Accept header (text/html,
    image/png, application/json), else JSON. JSON carries `partial` and `problems`; HTML and
    PNG carry them in the X-Report-Partial and X-Report-Problems headers."""
    chosen = format or _from_accept(request.headers.get("accept", ""))
    got = await state.analytics.render_report(principal.tenant_id, body.proto(),
                                              [FORMATS[chosen]])
    headers = {"X-Report-Partial": "true" if got.partial else "false"}
    if got.problems:  # header values are latin-1: the problems are percent-encoded UTF-8
        headers["X-Report-Problems"] = quote("; ".join(got.problems))
    content: str | bytes = {"json": got.json, "html": got.html, "png": got.png}[chosen]
    return Response(content=content, media_type=MEDIA[chosen], headers=headers)


def _from_accept(accept: str) -> Format:
    for media, name in (("image/png", "png"), ("text/html", "html"), ("application/json", "json")):
        if media in accept:
            return name  # type: ignore[return-value]
    if accept and "*/*" not in accept and "application/*" not in accept:
        raise ProblemError(406, "reports are application/json, text/html or image/png")
    return "json"


@router.get("/settings", response_model=AnalyticsSettingsIn, responses={**AUTH_PROBLEMS})
async def get_settings(principal: Reader, state: State) -> AnalyticsSettingsIn:
    """The zone reports use by default and the business hours durations are measured in."""
    return settings_out(await state.analytics.get_settings(principal.tenant_id))


@router.put("/settings", response_model=AnalyticsSettingsIn, responses=_ERRORS)
async def put_settings(body: AnalyticsSettingsIn, principal: Admin,
                       state: State) -> AnalyticsSettingsIn:
    """Replaces the settings. Business hours apply to replies measured from now on."""
    return settings_out(await state.analytics.update_settings(principal.tenant_id, body.proto()))


"""Working one run: read it and its schedule in the tenant's unit, render the report through
analytics (RenderReport), deliver it (retried, bounded), record the outcome in a second unit.
No transaction is held across the calls out."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as apb
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2
from services.kernel.crypto import SecretBox
from services.kernel.errors import DomainError, Unavailable
from services.kernel.tenancy import tenant_scope
from services.kernel.timestamps import to_datetime
from services.kernel.unit import Units
from services.scheduling.firing.delivery import (
    Envelope,
    Permanent,
    Report,
    Retry,
    TelegramMessages,
    Transient,
    WebhookSender,
    with_retries,
)
from services.scheduling.models import RunStatus
from services.scheduling.repository import RunClaim, SchedulingUnit

log = logging.getLogger(__name__)

Render = Callable[[uuid.UUID, report_pb2.ReportSpec, list[Any]],
                  Awaitable[apb.RenderReportResponse]]
_TELEGRAM_FORMATS = [report_pb2.REPORT_FORMAT_HTML, report_pb2.REPORT_FORMAT_PNG]
_WEBHOOK_FORMATS = [report_pb2.REPORT_FORMAT_JSON, report_pb2.REPORT_FORMAT_HTML]


@dataclass(frozen=True)
class Job:
    tenant_id: uuid.UUID
    envelope: Envelope
    destination: dict[str, Any]
    secret: str
    spec: report_pb2.ReportSpec


@dataclass(frozen=True)
class Outcome:
    status: RunStatus
    error: str = ""
    attempts: int = 0
    partial: bool = False


class RunWorker:
    def __init__(self, units: Units[SchedulingUnit], box: SecretBox, render: Render,
                 webhooks: WebhookSender, telegram: TelegramMessages, retry: Retry,
                 max_claims: int) -> None:
        self._units, self._box, self._render = units, box, render
        self._webhooks, self._telegram = webhooks, telegram
        self._retry, self._max_claims = retry, max_claims

    async def work(self, claim: RunClaim) -> RunStatus | None:
        """Work a leased run; its final status (None: nothing left to do)."""
        with tenant_scope(claim.tenant_id):
            job = await self._begin(claim)
            if job is None:
                return None
            try:
                outcome = await self._run(job)
            except Exception:  # our bug, not the destination's: recorded, not retried forever
                log.exception("working a schedule run failed", extra={"run_id": str(claim.id)})
                outcome = Outcome(RunStatus.FAILED, "internal error while working the run; "
                                                    "it was logged for the operators")
            async with self._units(claim.tenant_id) as unit:
                await unit.runs.finish(claim.id, outcome.status, error=outcome.error,
                                       attempts=outcome.attempts, partial=outcome.partial)
            log.info("schedule run finished", extra={
                "run_id": str(claim.id), "status": outcome.status.value})
            return outcome.status

    async def _begin(self, claim: RunClaim) -> Job | None:
        async with self._units(claim.tenant_id) as unit:
            run = await unit.runs.get(claim.id)
            if run is None or run.status != RunStatus.PENDING:
                return None  # deleted with its schedule, or finished by a worker before us
            if claim.claims > self._max_claims:
                await unit.runs.finish(run.id, RunStatus.FAILED, error=(
                    f"a worker stopped while working this run {claim.claims - 1} times; "
                    "not retried"))
                return None
            schedule = await unit.schedules.get_or_raise(run.schedule_id, "schedule")
            await unit.runs.start(run.id)
            spec = report_pb2.ReportSpec.FromString(schedule.report)
            if not spec.time_zone:  # a report at 09:00 Moscow time counts Moscow's days
                spec.time_zone = schedule.time_zone
            secret = self._box.decrypt(schedule.webhook_secret_enc) \
                if schedule.webhook_secret_enc else ""
            envelope = Envelope(str(schedule.id), schedule.name, str(run.id), run.trigger,
                                run.scheduled_for)
            return Job(claim.tenant_id, envelope, dict(schedule.destination), secret, spec)

    async def _run(self, job: Job) -> Outcome:
        telegram = job.destination.get("kind") == "telegram"
        rendered: list[Report] = []

        async def render() -> None:
            try:
                response = await self._render(job.tenant_id, job.spec,
                                              _TELEGRAM_FORMATS if telegram else _WEBHOOK_FORMATS)
            except Unavailable as exc:
                raise Transient(f"analytics is not answering: {exc.message}") from None
            except DomainError as exc:
                raise Permanent(f"the report could not be rendered: {exc.message}") from None
            rendered.append(_report(response))

        attempts, error = await with_retries(render, self._retry)
        if error:
            return Outcome(RunStatus.FAILED, error)
        report = rendered[0]

        async def deliver() -> None:
            if telegram:
                await self._telegram.send(job.tenant_id, int(job.destination["chat_id"]),
                                          job.destination.get("message_thread_id"), report)
            else:
                await self._webhooks.send(job.destination["url"], job.secret, job.envelope,
                                          report)

        attempts, error = await with_retries(deliver, self._retry)
        if error:
            return Outcome(RunStatus.FAILED, error, attempts, report.partial)
        problems = "; ".join(report.problems)
        return Outcome(RunStatus.DELIVERED, f"partial report: {problems}" if report.partial else "",
                       attempts, report.partial)


def _report(response: apb.RenderReportResponse) -> Report:
    return Report(
        html=response.html, json=response.json, png=response.png, partial=response.partial,
        problems=tuple(response.problems),
        period_from=to_datetime(response.period_from), period_to=to_datetime(response.period_to),
        time_zone=response.time_zone)

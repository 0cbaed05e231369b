"""Refreshing the Avito statistics cache from channels (AvitoStatisticsService).

A refresh of one account asks channels for yesterday and today (Avito's days: Moscow's) and,
until the cache reaches `depth_days` back, for the whole gap in the same call; each kind that
failed leaves its figures as they were (NULL where never fetched) and its reason in
`avito_refresh.problems`, which reports show. A round (`round`, run when the scheduling
service's platform job `analytics.avito_statistics` asks; no timer here) claims due accounts
of every tenant (a definer function: FOR UPDATE SKIP LOCKED, lease), so replicas never
refresh one twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from prometheus_client import Counter

from clients.rpc.avito_statistics import FETCH_DEADLINE_S
from clients.rpc.gen.switchboard.channels.v1 import avito_statistics_pb2 as pb
from clients.rpc.platform_jobs import RoundOutcome
from services.analytics.avito.repository import RefreshClaim
from services.analytics.repository import AnalyticsUnit
from services.kernel.errors import DomainError, FailedPrecondition, NotFound
from services.kernel.unit import Units

log = logging.getLogger(__name__)

REFRESHES = Counter("switchboard_analytics_avito_refreshes_total",
                    "Avito statistics refreshes by outcome (ok, partial, failed)", ["outcome"])
# What the cache keeps; profile analytics (v2) is not needed for the report's keys.
KINDS = (pb.STATISTICS_KIND_ITEM_STATS, pb.STATISTICS_KIND_SPENDINGS, pb.STATISTICS_KIND_CALLS,
         pb.STATISTICS_KIND_BALANCE, pb.STATISTICS_KIND_CPA_BALANCE)
DAILY_KINDS = {pb.STATISTICS_KIND_ITEM_STATS, pb.STATISTICS_KIND_SPENDINGS,
               pb.STATISTICS_KIND_CALLS}
_MOSCOW = timedelta(hours=3)  # Avito's days; Moscow keeps no DST
FETCH_FAILED = "Avito statistics could not be fetched"


class StatisticsFetch(Protocol):
    """clients/rpc/avito_statistics.AvitoStatisticsClient."""

    async def fetch(self, tenant_id: uuid.UUID, channel_id: str, first: date, last: date,
                    kinds: Sequence[int] = (),
                    deadline_s: float = ...) -> pb.FetchAvitoStatisticsResponse: ...


@dataclass(frozen=True)
class RefreshSettings:
    interval_s: float = 900.0  # between refreshes of one account
    retry_s: float = 60.0  # after a refresh with problems (or Avito's wait, if longer)
    depth_days: int = 62  # how far back the cache is filled (the previous month, whole)
    lease_s: float = 300.0
    batch: int = 4


def avito_today(now: datetime) -> date:
    return (now.astimezone(UTC) + _MOSCOW).date()


class AvitoRefresher:
    def __init__(self, units: Units[AnalyticsUnit], channels: StatisticsFetch,
                 settings: RefreshSettings) -> None:
        self._units, self._channels, self.settings = units, channels, settings
        for outcome in ("ok", "partial", "failed"):  # series exist (at zero) from the start
            REFRESHES.labels(outcome)

    async def refresh(self, tenant_id: uuid.UUID, channel_id: uuid.UUID,
                      filled_from: date | None, deadline_s: float = FETCH_DEADLINE_S,
                      ) -> list[str]:
        """One account now; the problems it met ([] = everything fetched)."""
        now = datetime.now(UTC)
        today = avito_today(now)
        target = today - timedelta(days=self.settings.depth_days)
        first = target if filled_from is None or filled_from > target else today - \
            timedelta(days=1)
        try:
            answer = await self._channels.fetch(tenant_id, str(channel_id), first, today, KINDS,
                                                deadline_s=deadline_s)
        except DomainError as exc:
            return await self._failed(tenant_id, channel_id, exc, now)
        problems = [p.reason for p in answer.problems]
        waits = [p.retry_after_s for p in answer.problems]
        daily_ok = not DAILY_KINDS & {p.kind for p in answer.problems}
        async with self._units(tenant_id) as unit:
            await unit.avito.store_days(channel_id, days_of(answer, first, today), now)
            await unit.avito.store_balances(
                channel_id, cpa=answer.cpa_balance.kopecks if answer.HasField("cpa_balance")
                else None, wallet=(answer.balance.real_kopecks, answer.balance.bonus_kopecks)
                if answer.HasField("balance") else None, at=now)
            await unit.avito.complete(channel_id, next_due_at=self._next(now, problems, waits),
                                      filled_from=first if daily_ok else None,
                                      problems=problems, at=now)
        REFRESHES.labels("partial" if problems else "ok").inc()
        return problems

    async def _failed(self, tenant_id: uuid.UUID, channel_id: uuid.UUID, exc: DomainError,
                      now: datetime) -> list[str]:
        """Channels refused or could not answer: nothing stored, the reason kept."""
        gone = isinstance(exc, NotFound | FailedPrecondition)  # asked again only later
        problems = [f"{FETCH_FAILED}: {exc.message}"]
        due = now + timedelta(seconds=self.settings.interval_s if gone
                              else self.settings.retry_s)
        async with self._units(tenant_id) as unit:
            await unit.avito.complete(channel_id, next_due_at=due, filled_from=None,
                                      problems=problems, at=now)
        REFRESHES.labels("failed").inc()
        return problems

    def _next(self, now: datetime, problems: list[str], waits: list[float]) -> datetime:
        if not problems:
            return now + timedelta(seconds=self.settings.interval_s)
        return now + timedelta(seconds=max([self.settings.retry_s, *waits]))

    async def round(self, deadline_s: float = FETCH_DEADLINE_S) -> RoundOutcome:
        """One round, as the platform job `analytics.avito_statistics` asks (scheduling times
        it): claim up to `batch` due accounts and refresh them side by side, each within the
        deadline. `remaining` is 1 when the batch was full (more may be due: the job is due
        again at once), else 0."""
        async with self._units.tenantless() as unit:
            claims = await unit.avito.claim_due(datetime.now(UTC), self.settings.batch,
                                                self.settings.lease_s)
        outcomes = await asyncio.gather(*(self._guarded(c, deadline_s) for c in claims))
        tally = {o: outcomes.count(o) for o in ("ok", "partial", "failed") if o in outcomes}
        return RoundOutcome(len(claims), outcomes.count("failed"),
                            int(len(claims) >= self.settings.batch),
                            ", ".join(f"{n} {o}" for o, n in tally.items()) or "nothing due")

    async def _guarded(self, claim: RefreshClaim, deadline_s: float) -> str:
        try:
            problems = await self.refresh(claim.tenant_id, claim.channel_id, claim.filled_from,
                                          min(deadline_s, FETCH_DEADLINE_S))
        except Exception:  # the lease runs out and another round takes it again
            log.exception("refreshing Avito statistics failed",
                          extra={"channel_id": str(claim.channel_id)})
            return "failed"
        failed = problems and problems[0].startswith(FETCH_FAILED)
        return "failed" if failed else "partial" if problems else "ok"


def days_of(answer: pb.FetchAvitoStatisticsResponse, first: date,
            last: date) -> dict[date, dict[str, int | None]]:
    """Every day of the range with the columns of each kind that came back (a day without
    data in a successful kind is a true 0); columns of failed kinds stay None."""
    days: dict[date, dict[str, int | None]] = {}
    day = first
    while day <= last:
        days[day] = {}
        day += timedelta(days=1)

    def add(when: str, column: str, value: int) -> None:
        row = days.get(date.fromisoformat(when))
        if row is not None:
            row[column] = (row.get(column) or 0) + value

    def zero(*columns: str) -> None:
        for row in days.values():
            row.update(dict.fromkeys(columns, 0))

    if answer.HasField("item_stats"):
        zero("views", "contacts", "favorites")
        for d in answer.item_stats.days:
            add(d.date, "views", d.views)
            add(d.date, "contacts", d.contacts)
            add(d.date, "favorites", d.favorites)
    if answer.HasField("spendings"):
        zero("spending_kopecks")
        for s in answer.spendings.days:
            add(s.date, "spending_kopecks", s.kopecks.get("all", 0))
    if answer.HasField("calls"):
        zero("calls", "calls_answered")
        for c in answer.calls.days:
            add(c.date, "calls", c.calls)
            add(c.date, "calls_answered", c.answered)
    return days

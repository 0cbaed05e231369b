"""Inbox metrics over a range: counts, duration percentiles and waiting conversations, in total
and by one dimension, from the hourly aggregates (a few rows per hour and key)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from services.analytics.metrics.histogram import percentile
from services.analytics.metrics.repository import MetricsRepository
from services.kernel.errors import InvalidArgument

MAX_RANGE = timedelta(days=366)
COUNTS = ("conversations_started", "messages_in", "messages_out", "resolved", "ai_answered",
          "handed_off")
DURATIONS = ("first_response", "first_response_business", "reply", "reply_business",
             "resolution")
GROUPS = ("", "channel", "listing", "assignee", "day")


@dataclass(frozen=True)
class DurationStat:
    median_s: float | None
    p90_s: float | None
    samples: int


@dataclass
class Figures:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    histograms: dict[str, dict[int, int]] = field(
        default_factory=lambda: {m: defaultdict(int) for m in DURATIONS})
    unanswered: int = 0
    waiting: int = 0

    def duration(self, metric: str) -> DurationStat:
        h = self.histograms[metric]
        return DurationStat(percentile(h, 0.5), percentile(h, 0.9), sum(h.values()))

    def add(self, metric: str, bucket: int, value: int) -> None:
        if metric in self.counts:
            self.counts[metric] += value
        elif metric in self.histograms:
            self.histograms[metric][bucket] += value

    def merge(self, other: Figures) -> None:
        for metric, value in other.counts.items():
            self.counts[metric] += value
        for metric, histogram in other.histograms.items():
            for bucket, value in histogram.items():
                self.histograms[metric][bucket] += value
        self.unanswered += other.unanswered
        self.waiting += other.waiting


@dataclass
class Daily:
    """One account's figures over a range and per local day (counts and histograms)."""

    total: Figures = field(default_factory=Figures)
    days: dict[date, Figures] = field(default_factory=lambda: defaultdict(Figures))


@dataclass
class InboxMetrics:
    total: Figures
    groups: dict[str, Figures]  # by key, in key order ("" = no listing / nobody assigned)
    labels: dict[str, str]


def check_range(start: datetime, end: datetime) -> None:
    if end <= start:
        raise InvalidArgument("the range is empty: 'to' must be after 'from'")
    if end - start > MAX_RANGE:
        raise InvalidArgument("the range is longer than 366 days: ask for a shorter one")


async def inbox_metrics(repo: MetricsRepository, start: datetime, end: datetime,
                        channel_ids: list[uuid.UUID], group: str, zone: str) -> InboxMetrics:
    """The figures of [start, end) (hours starting in it). Waiting is now, whatever the range."""
    check_range(start, end)
    total, groups = Figures(), defaultdict(Figures)
    for key, metric, bucket, value in await repo.sums(start, end, channel_ids, group, zone):
        total.add(metric, bucket, value)
        if group:
            groups[key].add(metric, bucket, value)
    for key, n in (await repo.awaiting(start, end, channel_ids, group, zone)).items():
        total.unanswered += n
        if group:
            groups[key].unanswered += n
    waiting = await repo.awaiting(None, None, channel_ids, "" if group == "day" else group, zone)
    total.waiting = sum(waiting.values())
    if group and group != "day":
        for key, n in waiting.items():
            groups[key].waiting = n
    labels = await repo.listing_titles(list(groups)) if group == "listing" else {}
    return InboxMetrics(total, dict(sorted(groups.items())), labels)


async def daily_by_channel(repo: MetricsRepository, start: datetime, end: datetime,
                           channel_ids: list[uuid.UUID], zone: str) -> dict[uuid.UUID, Daily]:
    """Per account: the figures of [start, end) and of each local day, from one pass over the
    hourly rows (a report's sections are sums of these). Unanswered counts waits begun in the
    range, waiting those open now."""
    check_range(start, end)
    out: dict[uuid.UUID, Daily] = defaultdict(Daily)
    for channel, day, metric, bucket, value in await repo.sums_by_channel_day(
            start, end, channel_ids, zone):
        out[channel].total.add(metric, bucket, value)
        out[channel].days[date.fromisoformat(day)].add(metric, bucket, value)
    unanswered = await repo.awaiting(start, end, channel_ids, "channel", zone)
    waiting = await repo.awaiting(None, None, channel_ids, "channel", zone)
    for key, n in unanswered.items():
        out[uuid.UUID(key)].total.unanswered = n
    for key, n in waiting.items():
        out[uuid.UUID(key)].total.waiting = n
    return out

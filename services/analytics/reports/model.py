"""A rendered report's content, before any format: its period, its sections (one per account,
or one for all), each with inbox figures, a daily series and the Avito figures asked for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from services.analytics.metrics.catalogue import Metric
from services.analytics.metrics.service import Figures
from services.analytics.reports.periods import Period


@dataclass
class Section:
    title: str
    channel_ids: list[uuid.UUID]
    inbox: Figures
    daily: dict[date, Figures]  # every day of the period, in order
    avito: dict[str, int | None] = field(default_factory=dict)  # key -> value (None: not fetched)


@dataclass
class Report:
    period: Period
    zone: str
    metrics: tuple[Metric, ...]
    sections: list[Section]
    problems: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.problems)

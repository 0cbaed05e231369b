"""The tenant's analytics settings: a default zone and the business hours durations are
measured within (Monday-Friday 09:00-18:00 until set)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.analytics.metrics.business_hours import (
    DEFAULT_WEEK,
    BusinessHours,
    InvalidHours,
    parse,
)
from services.analytics.settings.repository import SettingsRepository
from services.kernel.errors import InvalidArgument


@dataclass(frozen=True)
class Settings:
    time_zone: str
    days: tuple[dict[str, Any], ...]  # the stored week ({"weekday", "open", "close"})

    @property
    def hours(self) -> BusinessHours:
        return parse(self.time_zone, self.days)


DEFAULT = Settings("", DEFAULT_WEEK)


async def load(repo: SettingsRepository) -> Settings:
    row = await repo.get()
    if row is None:
        return DEFAULT
    return Settings(row.time_zone, tuple(row.business_hours) or DEFAULT_WEEK)


async def store(repo: SettingsRepository, time_zone: str,
                days: list[dict[str, Any]]) -> Settings:
    """Checks and replaces the settings; no days = the default week."""
    try:
        parse(time_zone, days)
    except InvalidHours as exc:
        raise InvalidArgument(str(exc)) from exc
    await repo.put(time_zone, days)
    return Settings(time_zone, tuple(days) or DEFAULT_WEEK)

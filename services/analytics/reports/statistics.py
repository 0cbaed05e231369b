"""What a report asks of the Avito statistics (services/analytics/avito implements it): per
account, the figures of the keys asked over local dates first..last, None for a figure not
fetched (never a zero), and the problems that made them partial."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Protocol


class AccountFigures(Protocol):
    values: dict[str, int | None]  # money in kopecks
    problems: list[str]


class StatisticsSource(Protocol):
    async def figures(self, tenant_id: uuid.UUID, channel_ids: Sequence[uuid.UUID],
                      first: date, last: date,
                      keys: Iterable[str] = ...) -> Mapping[uuid.UUID, AccountFigures]: ...

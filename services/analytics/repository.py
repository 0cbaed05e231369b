"""The analytics unit of work: one transaction with every repository of the analytics schema.

The SQL lives with each capability (projection/, metrics/, settings/). Repositories flush, never
commit. Analytics emits no events, so its units have no outbox.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.analytics.avito.repository import AvitoRepository
from services.analytics.metrics.repository import MetricsRepository
from services.analytics.projection.repository import FactsRepository
from services.analytics.settings.repository import SettingsRepository
from services.kernel.outbox import Outbox
from services.kernel.unit import Unit


class AnalyticsUnit(Unit):
    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.settings = SettingsRepository(session)
        self.facts = FactsRepository(session)
        self.metrics = MetricsRepository(session)
        self.avito = AvitoRepository(session)

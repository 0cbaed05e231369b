"""The Avito statistics cache in the analytics process: the channel to channels
(AvitoStatisticsService, analytics' only call there), the refresher (its rounds run when
the scheduling service's platform job asks) and the source."""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from clients.rpc.avito_statistics import AvitoStatisticsClient
from clients.rpc.base import open_channel
from services.analytics.avito.refresh import AvitoRefresher, RefreshSettings
from services.analytics.avito.source import StatisticsSource
from services.analytics.repository import AnalyticsUnit
from services.kernel.config import KernelSettings
from services.kernel.runtime import ServiceRuntime
from services.kernel.unit import Units


def refresh_settings(settings: KernelSettings) -> RefreshSettings:
    """From AnalyticsSettings' `avito_refresh_*`; the defaults for plain kernel settings."""
    defaults = RefreshSettings()
    return RefreshSettings(**{
        name: getattr(settings, f"avito_refresh_{name}", getattr(defaults, name))
        for name in RefreshSettings.__dataclass_fields__})


@dataclass
class AvitoStatistics:
    channel: grpc.aio.Channel
    refresher: AvitoRefresher
    source: StatisticsSource

    @classmethod
    def build(cls, settings: KernelSettings, units: Units[AnalyticsUnit]) -> AvitoStatistics:
        channel = open_channel(settings.channels_target, settings.caller("analytics"))
        client = AvitoStatisticsClient(channel, settings.caller("analytics"))
        refresher = AvitoRefresher(units, client, refresh_settings(settings))
        return cls(channel, refresher, StatisticsSource(units, refresher))


@dataclass
class AnalyticsRuntime(ServiceRuntime):
    """The kernel runtime plus the channel to channels, closed once RPCs are drained."""

    avito: AvitoStatistics | None = None

    async def close(self, grace_s: float = 10) -> None:
        await super().close(grace_s)
        if self.avito is not None:
            await self.avito.channel.close()

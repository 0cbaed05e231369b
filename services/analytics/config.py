"""Settings of the analytics service (SWITCHBOARD_* env vars; the kernel's, named)."""

from __future__ import annotations

from pydantic import Field

from services.kernel.config import KernelSettings


class AnalyticsSettings(KernelSettings):
    service_name: str = "analytics"
    # The Avito statistics cache (services/analytics/avito): between refreshes of an account,
    # after one with problems, how many days back it is filled, the lease of a refresh in
    # flight, accounts refreshed per round (rounds: scheduling's job analytics.avito_statistics).
    avito_refresh_interval_s: float = Field(default=900.0, gt=0)
    avito_refresh_retry_s: float = Field(default=60.0, gt=0)
    avito_refresh_depth_days: int = Field(default=62, ge=1, le=270)
    avito_refresh_lease_s: float = Field(default=300.0, gt=0)
    avito_refresh_batch: int = Field(default=4, ge=1)
    # How long a report trusts the tenant's account names and list read from channels.
    accounts_cache_s: float = Field(default=30.0, ge=0)

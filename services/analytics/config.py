"""Settings of the analytics service (SWITCHBOARD_* env vars; the kernel's, named)."""

from __future__ import annotations

from services.kernel.config import KernelSettings


class AnalyticsSettings(KernelSettings):
    service_name: str = "analytics"

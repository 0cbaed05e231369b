"""Settings of the integrations service (SWITCHBOARD_* env vars; the kernel's, named)."""

from __future__ import annotations

from pydantic import Field

from services.kernel.config import KernelSettings

DAY_S = 24 * 3600


class IntegrationsSettings(KernelSettings):
    service_name: str = "integrations"
    # host:port pairs an endpoint may reach though not public (operators only; tests, a lab).
    outbound_allow: str = ""
    webhooks_max_endpoints: int = Field(default=20, ge=1, le=1000)  # per tenant
    # How long a delivery is retried (a new endpoint's retry_window_s): at least a day.
    webhooks_retry_window_s: float = Field(default=3 * DAY_S, ge=DAY_S, le=14 * DAY_S)
    # Retries: equal-jitter exponential backoff from base to cap (Retry-After honoured up to cap).
    webhooks_backoff_s: float = Field(default=5.0, gt=0)
    webhooks_backoff_max_s: float = Field(default=3600.0, gt=0)
    webhooks_timeout_s: float = Field(default=10.0, gt=0, le=60)
    # The dispatcher: deliveries in flight per process and per endpoint, its idle poll, and the
    # lease of a claimed delivery (past it another dispatcher may take it: > the timeout).
    webhooks_concurrency: int = Field(default=64, ge=1, le=1000)
    webhooks_per_endpoint: int = Field(default=4, ge=1, le=50)
    webhooks_poll_s: float = Field(default=1.0, gt=0)
    webhooks_lease_s: float = Field(default=60.0, gt=0)
    # Circuit breaker: this many consecutive failures spanning at least breaker_min_span_s
    # pause the endpoint; probes then come breaker_probe_s after, doubling to the cap.
    webhooks_breaker_failures: int = Field(default=10, ge=1)
    webhooks_breaker_min_span_s: float = Field(default=60.0, ge=0)
    webhooks_breaker_probe_s: float = Field(default=30.0, gt=0)
    webhooks_breaker_probe_max_s: float = Field(default=3600.0, gt=0)
    # Events (and their delivery log) are kept this long.
    webhooks_event_retention_days: float = Field(default=30.0, gt=0)

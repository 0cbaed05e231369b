"""Settings of the channels service (SWITCHBOARD_* env vars on top of the kernel's)."""

from __future__ import annotations

from pydantic import Field

from services.kernel.config import KernelSettings


class ChannelsSettings(KernelSettings):
    service_name: str = "channels"
    avito_api_base_url: str = "https://api.avito.ru"
    avito_timeout_s: float = Field(default=10.0, gt=0)
    # HTTP attempts per Avito call (429, 5xx, timeouts and connection errors are retried).
    avito_max_attempts: int = Field(default=4, ge=1, le=10)
    # Full-jitter exponential backoff between those attempts: uniform(0, min(max, base * 2^n)).
    avito_backoff_base_s: float = Field(default=0.5, ge=0)
    avito_backoff_max_s: float = Field(default=8.0, ge=0)
    # A Retry-After longer than this is not slept through: the bus redelivers later instead.
    avito_retry_after_max_s: float = Field(default=30.0, ge=0)
    # Per channel account token bucket in front of every Avito request.
    avito_rate_per_s: float = Field(default=5.0, gt=0)
    avito_rate_burst: int = Field(default=10, ge=1)
    # How many times a send command may be delivered by the bus before the message is failed.
    send_max_deliveries: int = Field(default=6, ge=1)
    # Redelivery delays of a send (or read mark) after a transient failure, by attempt.
    send_retry_backoff_s: list[float] = Field(default_factory=lambda: [1.0, 5.0, 15.0, 30.0, 60.0])

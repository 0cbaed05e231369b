"""Settings of the scheduling service (SWITCHBOARD_* env vars; the kernel's, named)."""

from __future__ import annotations

from pydantic import Field

from services.kernel.config import KernelSettings


class SchedulingSettings(KernelSettings):
    service_name: str = "scheduling"
    # The loop looks for due schedules and pending runs this often (RunScheduleNow wakes it).
    scheduling_poll_s: float = Field(default=5.0, gt=0)
    # Due schedules claimed per transaction, and runs worked at once per replica.
    scheduling_batch: int = Field(default=50, ge=1, le=1000)
    scheduling_concurrency: int = Field(default=8, ge=1, le=100)
    # A run's lease: a worker that stopped mid-run leaves it to another after this long.
    scheduling_lease_s: float = Field(default=300.0, gt=0)
    # Leased this many times without an outcome (workers stopping on it): failed, not retried.
    scheduling_max_claims: int = Field(default=3, ge=1)
    # A slot fired later than this after its time counts as missed (downtime): the schedule's
    # missed-run policy decides.
    scheduling_misfire_grace_s: float = Field(default=300.0, gt=0)
    # Delivery: bounded attempts, equal-jitter backoff between them.
    scheduling_delivery_attempts: int = Field(default=4, ge=1, le=10)
    scheduling_delivery_backoff_s: float = Field(default=2.0, gt=0)
    scheduling_delivery_backoff_max_s: float = Field(default=30.0, gt=0)
    scheduling_webhook_timeout_s: float = Field(default=10.0, gt=0)
    # host:port pairs a webhook may reach though not public (operators only; tests, a lab).
    outbound_allow: str = ""
    # Platform jobs (jobs/): each job's interval in seconds (0 = disabled), seeded at start;
    # a round's deadline given to its owner; how long run history is kept.
    job_channels_reconcile_s: float = Field(default=5.0, ge=0)
    job_channels_token_health_s: float = Field(default=60.0, ge=0)
    job_analytics_avito_statistics_s: float = Field(default=10.0, ge=0)
    job_conversations_wake_snoozed_s: float = Field(default=30.0, ge=0)
    job_deadline_s: float = Field(default=60.0, gt=0, le=600)
    # A round its owner answered UNAVAILABLE (down, restarting) is retried this many times in
    # all, with equal-jitter backoff from job_backoff_s, then failed until the next slot.
    job_attempts: int = Field(default=3, ge=1, le=10)
    job_backoff_s: float = Field(default=1.0, gt=0)
    job_history_days: float = Field(default=7.0, gt=0)

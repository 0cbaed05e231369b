"""Settings of the agent process (SWITCHBOARD_* env). Per-tenant settings live in the database."""

from __future__ import annotations

from pydantic import Field

from services.kernel.config import KernelSettings

# USD per million tokens (prompt, completion): the cost estimate of usage and audit. A model
# not listed costs 0 in the estimate; extend with SWITCHBOARD_AGENT_PRICES='{"name": [p, c]}'.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.5, 10.0),
    "gpt-4o-mini": (0.15, 0.6),
    "gpt-4.1": (2.0, 8.0),
    "gpt-4.1-mini": (0.4, 1.6),
    "gpt-4.1-nano": (0.1, 0.4),
    "gpt-3.5-turbo": (0.5, 1.5),
}


class AgentSettings(KernelSettings):
    service_name: str = "agent"
    # Each chat completion call: the openai client's own timeout and retries (429, 5xx,
    # connection errors; exponential backoff with jitter) ...
    agent_llm_timeout_s: float = Field(default=30.0, gt=0)
    agent_llm_client_retries: int = Field(default=2, ge=0, le=5)
    # ... then ours, for a 5xx or a dropped connection that outlived them.
    agent_llm_retries: int = Field(default=1, ge=0, le=5)
    agent_llm_backoff_s: float = Field(default=0.5, ge=0)
    # The circuit breaker per tenant and endpoint: open after this many failures in a row,
    # for this long (handing conversations over meanwhile), then let one call try.
    agent_breaker_failures: int = Field(default=3, ge=1)
    agent_breaker_cooldown_s: float = Field(default=60.0, ge=0)
    # The agent's health (audit/health.py): `failing` once this many latest model results of
    # buyers' conversations all failed within the window.
    agent_health_failures: int = Field(default=3, ge=1, le=50)
    agent_health_window_s: float = Field(default=3600.0, gt=0)
    agent_tool_rounds: int = Field(default=3, ge=1, le=10)
    # The debounce scheduler: how often it looks for due rows, how many it leases at a time,
    # and how long a lease lasts (longer than a whole pipeline run, LLM retries included).
    agent_scheduler_poll_s: float = Field(default=0.5, gt=0)
    agent_scheduler_batch: int = Field(default=20, ge=1, le=500)
    agent_lease_s: float = Field(default=180.0, gt=0)
    # A failing run is retried after a growing delay, then given up (logged, counted).
    agent_max_attempts: int = Field(default=5, ge=1)
    agent_retry_backoff_s: list[float] = Field(default_factory=lambda: [2.0, 10.0, 30.0, 60.0])
    agent_prices: dict[str, tuple[float, float]] = Field(default_factory=lambda: dict(DEFAULT_PRICES))
    # SWITCHBOARD_OUTBOUND_ALLOW: host:port pairs, comma-separated, that a tenant's model
    # endpoint may reach although they are not public addresses (a self-hosted Ollama, the
    # dev stack's LLM emulator). Operators only: services/kernel/urls.py. (Issue 16's webhooks
    # will want it too: it moves to KernelSettings then.)
    outbound_allow: str = ""

"""Gateway settings (SWITCHBOARD_* env)."""

from __future__ import annotations

from pydantic import Field

from services.kernel.config import KernelSettings


class GatewaySettings(KernelSettings):
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # Avito deliveries are small JSON; anything bigger is refused before it is parsed.
    webhook_max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    session_ttl_hours: int = Field(default=24 * 14, ge=1)
    # Send the session cookie only over HTTPS (turn off for plain-HTTP local dev).
    cookie_secure: bool = False
    # Per tenant and gateway process: deliveries beyond this rate (after a burst) take the
    # overflow lane, drained at `webhook_overflow_rate_per_s` by channels (see docs/events.md).
    webhook_tenant_rate_per_s: float = Field(default=50.0, gt=0)
    webhook_tenant_burst: float = Field(default=500.0, ge=1)
    # How long a resolved webhook URL / API key stays cached in this process.
    auth_cache_ttl_s: float = 30.0
    graphql_max_depth: int = 8
    # The Avito emulator's URL in sandbox mode; `sandbox: true` on connect points an account there.
    avito_sandbox_url: str = ""
    sse_heartbeat_s: float = 15.0

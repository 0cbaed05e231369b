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
    # How long a resolved webhook URL / API key stays cached in this process.
    auth_cache_ttl_s: float = 30.0
    graphql_max_depth: int = 8
    # The Avito emulator's URL in sandbox mode; `sandbox: true` on connect points an account there.
    avito_sandbox_url: str = ""
    sse_heartbeat_s: float = 15.0

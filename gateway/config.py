"""Gateway settings (SWITCHBOARD_* env)."""

from __future__ import annotations

from pydantic import Field

from services.kernel.config import KernelSettings


class GatewaySettings(KernelSettings):
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # SO_REUSEPORT on the public port: set by `serve all --workers N`, whose workers share it.
    http_reuse_port: bool = False
    # Avito gives a delivery 2 s: the owner lookup and JetStream's ack must fit in this, else
    # the answer is 503 and the gateway retries the delivery itself (gateway/webhooks/recovery.py).
    webhook_handoff_timeout_s: float = Field(default=1.5, gt=0, le=10)
    # Avito deliveries are small JSON; anything bigger is refused before it is parsed.
    webhook_max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    session_ttl_hours: int = Field(default=24 * 14, ge=1)
    # How long a one-time code that links a Telegram account stays redeemable.
    telegram_link_code_ttl_s: float = Field(default=600.0, gt=0, le=24 * 3600)
    # Send the session cookie only over HTTPS (turn off for plain-HTTP local dev).
    cookie_secure: bool = False
    # Per tenant and gateway process: deliveries beyond this rate (after a burst) take the
    # overflow lane, drained at `webhook_overflow_rate_per_s` by channels (see docs/events.md).
    webhook_tenant_rate_per_s: float = Field(default=50.0, gt=0)
    webhook_tenant_burst: float = Field(default=100.0, ge=1)
    # While the overflow lane has more than `webhook_overflow_backlog` deliveries waiting,
    # an overflow delivery is answered this much later (stored first): a sender with bounded
    # connections slows down instead of taking the CPU from everyone's messages (and the
    # backlog stops growing). Far below Avito's 2 s timeout.
    webhook_overflow_delay_s: float = Field(default=0.2, ge=0, le=1.0)
    webhook_overflow_backlog: int = Field(default=1000, ge=0)
    # The API's rate limits (gateway/limits/, docs/api.md "Rate limits"), token buckets shared
    # by every replica: a tenant's REST requests, and each credential's (an API key, or a
    # signed-in user), per second with a burst; GraphQL documents by their cost (the objects
    # their lists may return) per tenant, and the most one document may cost.
    rate_limits: bool = True
    rate_limit_tenant_per_s: float = Field(default=100.0, gt=0)
    rate_limit_tenant_burst: float = Field(default=300.0, ge=1)
    rate_limit_key_per_s: float = Field(default=50.0, gt=0)
    rate_limit_key_burst: float = Field(default=150.0, ge=1)
    graphql_cost_per_s: float = Field(default=1000.0, gt=0)
    graphql_cost_burst: float = Field(default=30_000.0, ge=1)
    graphql_max_cost: int = Field(default=20_000, ge=1)
    # Sign-in throttling (gateway/identity/login_throttle.py): failed sign-ins of an account
    # from one address, and from one address over any accounts, within the window; past
    # either, sign-ins from there wait (429) until the window ends.
    login_failures_per_account: int = Field(default=5, ge=1)
    login_failures_per_address: int = Field(default=50, ge=1)
    login_failure_window_s: float = Field(default=900.0, gt=0)
    # How long a resolved webhook URL / API key stays cached in this process.
    auth_cache_ttl_s: float = 30.0
    graphql_max_depth: int = 8
    # GraphiQL at GET /graphql, and introspection (__schema, __type): on for development,
    # off in production (the chart's default): the schema is documented, not discoverable.
    graphql_ide: bool = True
    graphql_introspection: bool = True
    # The edge's bounds (gateway/body_limit.py, switchboard/http_server.py). A JSON or GraphQL
    # body larger than this is refused with 413 before it is read; uploads have their domain's
    # limits (media 24 MB, knowledge 20 files of 20 MB), webhooks `webhook_max_body_bytes`.
    http_max_body_bytes: int = Field(default=1024 * 1024, ge=64 * 1024)
    # A body that sends nothing for `http_body_idle_timeout_s`, or is not complete within
    # `http_body_timeout_s` of the request (uploads: `http_upload_timeout_s`), is cut with 408.
    http_body_idle_timeout_s: float = Field(default=15.0, gt=0)
    http_body_timeout_s: float = Field(default=60.0, gt=0)
    http_upload_timeout_s: float = Field(default=900.0, gt=0)
    # Request heads: complete within this of the connection (or of the request's first byte
    # on a kept-alive connection), else 408; at most `http_max_header_bytes`, else 431.
    http_header_timeout_s: float = Field(default=10.0, gt=0)
    http_max_header_bytes: int = Field(default=64 * 1024, ge=8 * 1024)
    # An idle kept-alive connection is closed after this: longer than clients' and proxies'
    # own idle limits (nginx upstreams 60 s), so the client, not the server, closes first.
    http_keep_alive_s: int = Field(default=75, ge=1)
    # The Avito emulator's URL in sandbox mode; `sandbox: true` on connect points an account there.
    avito_sandbox_url: str = ""
    sse_heartbeat_s: float = 15.0
    # The web inbox's built files, served at "/" (gateway/web.py); empty: the repository's
    # web/dist, which `make web` builds.
    web_dist_dir: str = ""
    # Live clients that reconnect with the id of the last event they saw get what they missed,
    # if that event is at most this old and at most `live_replay_max_events` of their tenant's
    # events followed it; otherwise a `reset` tells them to refetch. Bounded by the stream's
    # own retention (SB_CONVERSATIONS keeps 7 days).
    live_replay_window_s: float = Field(default=24 * 3600, ge=0, le=7 * 24 * 3600)
    live_replay_max_events: int = Field(default=10_000, ge=0)
    # How often an open SSE or WebSocket stream re-checks its API key or session (each check
    # may be served from the identity cache: another replica's revocation shows after
    # `auth_cache_ttl_s` at most).
    live_auth_check_s: float = Field(default=5.0, gt=0)

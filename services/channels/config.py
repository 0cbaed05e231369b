"""Settings of the channels service (SWITCHBOARD_* env vars on top of the kernel's)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from services.kernel.config import KernelSettings


class ChannelsSettings(KernelSettings):
    service_name: str = "channels"
    avito_api_base_url: str = "https://api.avito.ru"
    # The platform's Avito partner app (authorization-code flow); empty: the flow is off.
    avito_oauth_client_id: str = ""
    avito_oauth_client_secret: SecretStr = SecretStr("")
    # Avito's consent page (a sandbox account's is `{emulator}/oauth`), and what is asked for.
    avito_oauth_url: str = "https://avito.ru/oauth"
    avito_oauth_scopes: str = ("messenger:read,messenger:write,items:info,user:read,stats:read,"
                               "user_balance:read")
    # How long a consent request (its single-use state) may take.
    oauth_state_ttl_s: int = Field(default=600, ge=60, le=3600)
    # The overflow lane (a flooding tenant's excess webhooks) waits while conversations has
    # more than this many inbound messages queued: other tenants' messages stay near the front.
    overflow_downstream_limit: int = Field(default=32, ge=1)
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
    # channels-sender, -read and -deleter: messages fetched at once, and how many chats are
    # worked on at a time (one chat's sends and deletes stay in order). Each send holds a
    # database connection only for its two short transactions, never across Avito calls;
    # keep the concurrency within the pool (database_pool_size, doubled by its overflow).
    send_batch: int = Field(default=32, ge=1, le=256)
    send_concurrency: int = Field(default=16, ge=1, le=64)
    # ack_wait of those consumers: how long a send held by a process that died waits before
    # JetStream gives it to another. A live process keeps its batch (in-progress acks) for as
    # long as the batch may take (consumers._batch_hold), so this need not cover it.
    send_ack_wait_s: float = Field(default=30.0, ge=5)
    # Reconciliation (sync.py): each account is synced this often, ± sync_jitter of it.
    sync_interval_s: float = Field(default=300.0, gt=0)
    sync_jitter: float = Field(default=0.1, ge=0, le=0.5)
    # First retry after a failed pass; doubles per failure, capped at sync_interval_s.
    sync_retry_base_s: float = Field(default=15.0, gt=0)
    # A claimed account is leased this long: if its pass dies, another replica takes it after.
    sync_lease_s: float = Field(default=900.0, gt=0)
    # Accounts a round takes (and runs side by side); rounds are run when the scheduling
    # service's platform job channels.reconcile asks (its interval is scheduling's setting).
    sync_batch: int = Field(default=4, ge=1, le=100)
    # A SyncChannel runs a round in this process at once (off: the job's next slot takes it).
    sync_on_request: bool = True
    # Catching up: when channels starts, and when a gateway starts (CatchUp), every account
    # that had a webhook within this window is synced at once — deliveries refused while the
    # platform was down come in seconds, not at the next pass. 0 turns it off. Beyond the
    # sync interval an account is due anyway.
    sync_catch_up_window_s: float = Field(default=900.0, ge=0)
    # Chats and messages this close to the last watermark are looked at again (clock skew,
    # messages landing in the same second as the last pass).
    sync_overlap_s: int = Field(default=30, ge=0)
    # Token health (the platform job channels.token_health): each active Avito account's token
    # is checked this often (sooner again after Avito did not answer), so many per round; a
    # token expiring within token_refresh_ahead_s is refreshed by the check.
    token_check_interval_s: float = Field(default=3600.0, gt=0)
    token_check_retry_s: float = Field(default=300.0, gt=0)
    token_check_batch: int = Field(default=20, ge=1, le=200)
    token_refresh_ahead_s: float = Field(default=900.0, ge=0)
    # Cached listings older than this are fetched again when a pass touches their chat.
    listing_ttl_s: float = Field(default=6 * 3600.0, gt=0)
    # The Telegram Bot API (tenants' bots): its server (the emulator in the sandbox and tests),
    # a timeout per request, attempts per call with full-jitter backoff between them (5xx,
    # timeouts, connection errors), and the longest 429 retry_after waited out in-process.
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_timeout_s: float = Field(default=10.0, gt=0)
    telegram_max_attempts: int = Field(default=4, ge=1, le=10)
    telegram_backoff_base_s: float = Field(default=0.5, ge=0)
    telegram_backoff_max_s: float = Field(default=8.0, ge=0)
    telegram_retry_after_max_s: float = Field(default=30.0, ge=0)

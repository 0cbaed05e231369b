"""What the runner is given per bot, and the knobs of its pacing, retries and reconciliation.

Plain values from whoever builds the runner (the composition root); nothing here reads the
environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BotConfig:
    """One tenant's bot: its Telegram token, an API key of its tenant (the runner's admin
    key: it reads, writes and redeems link codes), the forum supergroup it posts the
    conversations to (None: not linked yet, no window runs, updates are still handled), the
    gateway's base URL, the Bot API's (Telegram's, or the emulator's), and how its updates
    come: "webhook" (the composition root feeds them to `Runner.handle_update`) or "polling"
    (the runner calls getUpdates itself)."""

    bot_id: str
    tenant_id: str
    token: str = field(repr=False)
    api_key: str = field(repr=False)
    group_chat_id: int | None
    api_base_url: str
    telegram_api_base_url: str = "https://api.telegram.org"
    delivery: str = "webhook"
    # An AI handoff nobody picked up within this long gets an alert in the General topic.
    handoff_alert_after_s: float = 600.0
    # Avito accounts connected through the console are sandbox ones (the platform's Avito
    # emulator): the dev stack's sandbox bot.
    connect_sandbox: bool = False

    def __post_init__(self) -> None:
        if self.delivery not in DELIVERIES:
            raise ValueError(f"delivery must be one of {DELIVERIES}, got {self.delivery!r}")


DELIVERIES = ("webhook", "polling")


@dataclass(frozen=True)
class Window:
    """At most `count` sends within any `period_s` seconds (a sliding window)."""

    count: int
    period_s: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.period_s <= 0:
            raise ValueError(f"a pacing window needs count >= 1 and period_s > 0, got {self}")


@dataclass(frozen=True)
class Pacing:
    """Telegram's flood limits as its FAQ states them: about one message a second in a chat,
    20 a minute in a group, 30 a second per bot. `enabled=False` sends as fast as answered
    (a test against an emulator with its limits off)."""

    per_chat: Window = Window(1, 1.0)
    per_group: Window = Window(20, 60.0)
    per_bot: Window = Window(30, 1.0)
    enabled: bool = True


@dataclass(frozen=True)
class Retries:
    """How a send is retried. A 429 waits what Telegram asks (at most `max_retry_after`
    times in a row); a network error, a timeout or a 5xx waits a capped exponential step
    with full jitter (at most `max_attempts` tries); past either the send fails to its
    caller as transient (the window then restarts and resumes: nothing is dropped)."""

    max_attempts: int = 6
    base_s: float = 0.5
    cap_s: float = 30.0
    max_retry_after: int = 30


@dataclass(frozen=True)
class RunnerSettings:
    pacing: Pacing = Pacing()
    retries: Retries = Retries()
    # Conversations whose events a bot's window handles at once (each one's in order).
    window_lanes: int = 8
    # Sends waiting in one bot's queue; a producer past it waits (back-pressure, not loss).
    max_pending: int = 1000
    # Each Bot API request, and each request to the platform (the SDK's timeout).
    request_timeout_s: float = 20.0
    # A claim (topic creation, a post) older than this is taken over: its holder died.
    claim_lease_s: float = 30.0
    # While another replica holds a claim, look at it this often.
    claim_poll_s: float = 0.1
    # A failed bot restarts after a capped exponential step with jitter.
    restart_base_s: float = 1.0
    restart_cap_s: float = 300.0
    # After a reset (the gap is too old to replay), what is looked at again: conversations
    # active since the last event handled (or this long ago when none was), at most so many,
    # and their latest messages.
    reconcile_horizon_s: float = 86_400.0
    reconcile_max_conversations: int = 500
    reconcile_max_messages: int = 50
    # A first start (no stored position) reconciles conversations active since the bot's
    # first window began minus this: it must exceed the time from a group's link to the
    # runner's knowing it (the composition root's registry refresh, 15 s by default).
    first_start_lookback_s: float = 120.0
    # Who a Telegram user is (their link, role, active) is asked again after this long.
    link_cache_s: float = 30.0
    # "Link your account first" is said to a person at most once in this long.
    link_hint_every_s: float = 600.0
    # The window waits at most this long for a manager's reply in flight to be linked to the
    # platform message it became (so it does not post the manager's words back).
    reply_settle_s: float = 30.0
    # A polling bot's getUpdates waits this long for updates (Telegram's long polling).
    poll_timeout_s: int = 25
    # How often overdue handoffs are looked for, and the channels' diagnostics asked for
    # problems to alert about (each asks Avito: not often).
    alert_check_s: float = 5.0
    channel_check_s: float = 300.0

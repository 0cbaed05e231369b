"""Settings of the Telegram emulator: plain values from whoever builds the app, never from env."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Limit(BaseModel):
    """At most `count` sends within any `period_s` seconds (a sliding window)."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(gt=0)
    period_s: float = Field(gt=0)


class Limits(BaseModel):
    """Telegram's flood limits on sending, as its FAQ states them: about one message a second
    in a private chat (short bursts tolerated), 20 a minute in a group, 30 a second per bot."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    private_chat: Limit = Field(default_factory=lambda: Limit(count=3, period_s=3.0))
    group: Limit = Field(default_factory=lambda: Limit(count=20, period_s=60.0))
    bot: Limit = Field(default_factory=lambda: Limit(count=30, period_s=1.0))


class TelegramEmulatorSettings(BaseModel):
    limits: Limits = Field(default_factory=Limits)
    # Undelivered updates are kept this long, as Telegram keeps them (24 h).
    update_retention_s: float = Field(default=86_400.0, gt=0)
    # getUpdates waits at most this long, whatever `timeout` asks for.
    max_poll_timeout_s: float = Field(default=50.0, ge=0)
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    # Failed webhook deliveries are retried (the update kept) with capped exponential backoff
    # and jitter, until the update expires.
    webhook_retry_base_s: float = Field(default=0.5, gt=0)
    webhook_retry_cap_s: float = Field(default=30.0, gt=0)
    # The last webhook attempts kept for `/_emulator/bots/{id}/deliveries`, per bot.
    delivery_log_size: int = Field(default=1000, gt=0)
    # Telegram wants https on ports 443, 80, 88 or 8443; the sandbox takes any http(s) URL.
    strict_webhook_urls: bool = False
    # Fetching a file named by URL (sendPhoto with an http URL, ...).
    url_fetch_timeout_s: float = Field(default=10.0, gt=0)
    url_fetch_attempts: int = Field(default=2, ge=1, le=5)
    # JSON file the sandbox is restored from at startup and saved to while running.
    state_file: Path | None = None
    # Seeds ids and tokens; None draws a fresh seed per app. A sandbox restored from
    # `state_file` continues with fresh entropy: ids stay unique across restarts.
    seed: int | None = None
    time_source: Callable[[], float] = time.time

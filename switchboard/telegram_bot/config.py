"""Settings of the telegram_bot component (SWITCHBOARD_* env on top of the kernel's): where the
runner reaches the platform's public API and Telegram, how often it reads the bot registry, how
it retries updates, and its pacing."""

from __future__ import annotations

from pydantic import Field

from services.kernel.config import KernelSettings


class TelegramBotSettings(KernelSettings):
    service_name: str = "telegram_bot"
    # The gateway's base URL the runner's SDK calls (the public API, as a third party would);
    # empty: public_base_url. In a cluster, the gateway's Service (the chart sets it).
    telegram_bot_gateway_url: str = ""
    # Telegram's Bot API (the emulator's in the sandbox); the same variable as channels'.
    telegram_api_base_url: str = "https://api.telegram.org"
    # How often the bot registry (channels' ListTelegramBotCredentials) is read again: a bot
    # registered, removed or linked to a group runs (or stops) within this long.
    telegram_bot_refresh_s: float = Field(default=15.0, gt=0)
    # After a failed read, the next one comes after a capped exponential step with jitter.
    telegram_bot_refresh_backoff_max_s: float = Field(default=60.0, gt=0)
    # Bots per ListTelegramBotCredentials page (1..500).
    telegram_bot_page_size: int = Field(default=200, ge=1, le=500)
    # An update arriving for a bot the runner does not know forces a read of the registry, at
    # most this often (a removed bot's late updates must not become a storm of reads).
    telegram_bot_forced_refresh_min_s: float = Field(default=1.0, ge=0)
    # Redelivery delays of an update that failed transiently, by attempt; then dead-lettered.
    telegram_bot_retry_backoff_s: list[float] = Field(
        default_factory=lambda: [1.0, 5.0, 15.0, 30.0, 60.0])
    telegram_bot_max_deliveries: int = Field(default=8, ge=1)
    # Updates of different bots handled side by side (one bot's stay in order).
    telegram_bot_concurrency: int = Field(default=8, ge=1, le=64)
    # Telegram's flood limits (about 1 post/s per chat, 20/min per group, 30/s per bot);
    # off only against an emulator with its limits off.
    telegram_bot_pacing: bool = True
    # Each Bot API request and each request to the platform.
    telegram_bot_request_timeout_s: float = Field(default=20.0, gt=0)
    # Conversations whose live events one bot's window handles at once (each one's in order).
    telegram_bot_window_lanes: int = Field(default=8, ge=1, le=64)
    # How often overdue handoffs are looked for, and how often the channels' diagnostics and
    # the agent's model health are asked for problems to alert about (each asks Avito).
    telegram_bot_alert_check_s: float = Field(default=5.0, gt=0)
    telegram_bot_problem_check_s: float = Field(default=300.0, gt=0)
    # An AI handoff no manager picked up within this long is alerted in the group's General
    # topic (every bot's; a per-bot setting may come later).
    telegram_bot_handoff_alert_after_s: float = Field(default=600.0, gt=0)
    # The consoles connect Avito accounts in sandbox mode (the gateway's avito_sandbox_url, the
    # Avito emulator): `switchboard dev`, whose bots all live on the Telegram emulator.
    telegram_bot_connect_sandbox: bool = False

    @property
    def gateway_url(self) -> str:
        return (self.telegram_bot_gateway_url or self.public_base_url).rstrip("/")

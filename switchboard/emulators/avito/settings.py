"""Settings of the Avito emulator: plain values from whoever builds the app, never from env."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from switchboard.emulators.avito.endpoints import DOCUMENTED_LIMITS, Endpoint
from switchboard.emulators.avito.schemas import AccountSpec


class AvitoEmulatorSettings(BaseModel):
    token_ttl_s: int = Field(default=86_400, gt=0)
    refresh_token_ttl_s: int = Field(default=365 * 86_400, gt=0)
    auth_code_ttl_s: int = Field(default=600, gt=0)
    # Avito's guide says expired tokens get 403, its per-endpoint specs say 401.
    expired_token_status: Literal[401, 403] = 403
    # Default for endpoints whose limit Avito does not document.
    rate_limit_per_minute: int = Field(default=600, gt=0)
    rate_limits: dict[Endpoint, int] = Field(default_factory=dict)
    webhook_timeout_s: float = Field(default=2.0, gt=0)
    webhook_retries: int = Field(default=0, ge=0)
    webhook_backoff_s: float = Field(default=1.0, ge=0)
    # The deliveries log keeps this many most recent records.
    delivery_log_size: int = Field(default=10_000, gt=0)
    # The spec says a bare array; real consumers parse {"messages": [...]}.
    messages_bare_array: bool = False
    # Base of the image and voice URLs the emulator hands out; None: the request's own base.
    public_url: str | None = None
    chatter_interval_s: float | None = Field(default=None, gt=0)
    # Seed a fresh sandbox only: a sandbox restored from `state_file` replaces them.
    accounts: list[AccountSpec] = Field(default_factory=list)
    # JSON file the sandbox is restored from at startup and saved to while running.
    state_file: Path | None = None
    # Seeds ids, tokens and the chatter; None draws a fresh seed per app. A sandbox restored
    # from `state_file` continues with fresh entropy: ids stay unique across restarts.
    seed: int | None = None
    time_source: Callable[[], float] = time.time

    def rate_limit(self, endpoint: Endpoint) -> int:
        return self.rate_limits.get(
            endpoint, DOCUMENTED_LIMITS.get(endpoint, self.rate_limit_per_minute))

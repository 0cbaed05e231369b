"""Typed failures of the Telegram Bot API. `message` is safe to show: it never holds a token."""

from __future__ import annotations


class TelegramError(Exception):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class TelegramTokenRefused(TelegramError):
    """401 Unauthorized: no bot has this token (mistyped, or revoked at @BotFather)."""


class TelegramRejected(TelegramError):
    """Any other 4xx: the request itself is wrong (a URL Telegram does not take...); no retry."""


class TelegramUnavailable(TelegramError):
    """Retries exhausted on 5xx, timeouts, connection errors or 429s; try again later."""

    def __init__(self, message: str, *, status: int | None = None,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after_s = retry_after_s

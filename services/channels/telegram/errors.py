"""Typed failures of the Telegram Bot API. `message` is safe to show: it never holds a token.
`telegram_call` turns them into the domain errors a seller can act on (bots and channels)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from services.kernel.errors import DomainError, FailedPrecondition, InvalidArgument, Unavailable

T = TypeVar("T")
TOKEN_REFUSED = "Telegram refused this token: check it with @BotFather"  # noqa: S105 - a message


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


async def telegram_call(call: Awaitable[T], action: str) -> T:
    """A Telegram call; its failure as the domain error a seller can act on."""
    try:
        return await call
    except TelegramError as exc:
        raise telegram_error(exc, action) from None


def telegram_error(exc: TelegramError, action: str) -> DomainError:
    if isinstance(exc, TelegramTokenRefused):
        return InvalidArgument(TOKEN_REFUSED)
    if isinstance(exc, TelegramUnavailable):
        return Unavailable(f"Telegram is not answering, could not {action}: {exc.message}")
    return FailedPrecondition(f"Telegram refused to {action}: {exc.message}")

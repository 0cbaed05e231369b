"""Avito failures met while acting on an account, as domain errors a seller can act on.

The workflows share the rule (unavailable -> Unavailable, 404 -> NotFound where asked, anything
else -> FailedPrecondition) and word the credentials and tariff cases their own way: connecting
blames the client_id/secret the seller typed, a stored account asks for a reconnect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from services.channels.avito.errors import (
    AvitoAuthError,
    AvitoError,
    AvitoPaymentRequired,
    AvitoRejected,
    AvitoUnavailable,
)
from services.kernel.errors import DomainError, FailedPrecondition, NotFound, Unavailable

T = TypeVar("T")
# An AvitoError and the action it interrupted ("register the webhook") -> the domain error.
Translate = Callable[[AvitoError, str], DomainError]


def domain_error(exc: AvitoError, action: str, *,
                 credentials: Callable[[AvitoAuthError], DomainError], tariff: str,
                 not_found: bool = False) -> DomainError:
    """`credentials` words a refusal of the credentials, `tariff` a 402; `not_found`: Avito's
    404 means the thing asked for does not exist (NotFound)."""
    if isinstance(exc, AvitoUnavailable):
        return Unavailable(f"Avito is not answering, could not {action}: {exc.message}")
    if isinstance(exc, AvitoAuthError):
        return credentials(exc)
    if isinstance(exc, AvitoPaymentRequired):
        return FailedPrecondition(tariff)
    if not_found and isinstance(exc, AvitoRejected) and exc.status == 404:
        return NotFound(f"Avito could not {action}: {exc.message}")
    return FailedPrecondition(f"Avito refused to {action} ({exc.status}): {exc.message}")


async def avito_call(call: Awaitable[T], action: str, translate: Translate) -> T:
    """Await an Avito call, turning its failure into `translate`'s domain error."""
    try:
        return await call
    except AvitoError as exc:
        raise translate(exc, action) from None

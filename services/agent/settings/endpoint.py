"""The tenant's model endpoint (`base_url`, for chat completions and embeddings alike) goes
through the kernel's URL guard: when the settings are written, and again on every connection
(answering/llm.py, knowledge/embeddings.py), since settings may predate the guard and DNS may
change. What the tenant is told never carries a status code, a timing or an address from
inside; the operator log has the detail."""

from __future__ import annotations

import logging

from services.kernel.errors import InvalidArgument
from services.kernel.urls import OutboundGuard, UrlRefused

# When the settings are written.
NOT_PUBLIC = "the model endpoint must be a public http(s) address"
# When a call fails, whatever the reason (refused by the guard, no connection, timeout, an
# error status): one sentence, so a failing call tells nothing about the network behind it.
ENDPOINT_FAILED = "the model endpoint is unreachable or refused the request"

log = logging.getLogger(__name__)


async def vet(guard: OutboundGuard, base_url: str) -> None:
    """InvalidArgument unless `base_url` (already validated by rules.py) may be called now."""
    if not base_url:
        return  # no endpoint: FAQ mode
    try:
        await guard.check(base_url)
    except UrlRefused:
        raise InvalidArgument(NOT_PUBLIC) from None


def log_failure(call: str, exc: Exception) -> None:
    """The operator's record of a failed call; the tenant is told ENDPOINT_FAILED only."""
    detail = exc.reason if isinstance(exc, UrlRefused) else repr(exc)
    log.warning("model endpoint call failed", extra={
        "call": call, "error": detail[:500], "status_code": getattr(exc, "status_code", None)})

"""The tenant's model endpoint (`base_url`, for chat completions and embeddings alike) goes
through the kernel's URL guard: when the settings are written, and again on every connection
(answering/llm.py, knowledge/embeddings.py), since settings may predate the guard and DNS may
change. What the tenant is told never carries a timing or an address from inside; the operator
log has the detail. A chat call's failure is told by kind (`failure_kind`): the key refused,
the model unknown, the quota spent come from a server that answered over a vetted connection
(a public address or the operator's allowlist), so saying which tells the tenant nothing about
the network that they could not learn by calling that server; everything else (refused by the
guard, no connection, a timeout, a 5xx, another status) stays one sentence."""

from __future__ import annotations

import logging

from services.kernel.errors import InvalidArgument
from services.kernel.urls import OutboundGuard, UrlRefused

# When the settings are written.
NOT_PUBLIC = "the model endpoint must be a public http(s) address"
# When a call fails, whatever the reason (refused by the guard, no connection, timeout, an
# error status): one sentence, so a failing call tells nothing about the network behind it.
ENDPOINT_FAILED = "the model endpoint is unreachable or refused the request"

# Kinds of a failed chat call (the audit's `model_result`, GetAgentHealth's last error).
AUTH, MODEL_NOT_FOUND, RATE_LIMITED = "auth", "model_not_found", "rate_limited"
UNAVAILABLE, EMPTY_ANSWER, CIRCUIT_OPEN = "unavailable", "empty_answer", "circuit_open"
_BY_STATUS = {401: AUTH, 403: AUTH, 404: MODEL_NOT_FOUND, 429: RATE_LIMITED}
FAILURE_TEXT = {
    AUTH: "the model endpoint refused the API key",
    MODEL_NOT_FOUND: "the model endpoint does not know this model",
    RATE_LIMITED: "the model endpoint's rate limit or quota is exhausted",
}

log = logging.getLogger(__name__)


async def vet(guard: OutboundGuard, base_url: str) -> None:
    """InvalidArgument unless `base_url` (already validated by rules.py) may be called now."""
    if not base_url:
        return  # no endpoint: FAQ mode
    try:
        await guard.check(base_url)
    except UrlRefused:
        raise InvalidArgument(NOT_PUBLIC) from None


def failure_kind(exc: Exception) -> str:
    """AUTH, MODEL_NOT_FOUND, RATE_LIMITED for those statuses of an answering server, else
    UNAVAILABLE (the guard's refusal has no status: it never reached a server)."""
    status = None if isinstance(exc, UrlRefused) else getattr(exc, "status_code", None)
    return _BY_STATUS.get(status, UNAVAILABLE) if isinstance(status, int) else UNAVAILABLE


def log_failure(call: str, exc: Exception) -> None:
    """The operator's record of a failed call; the tenant is told ENDPOINT_FAILED only."""
    detail = exc.reason if isinstance(exc, UrlRefused) else repr(exc)
    log.warning("model endpoint call failed", extra={
        "call": call, "error": detail[:500], "status_code": getattr(exc, "status_code", None)})

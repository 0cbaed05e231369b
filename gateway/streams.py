"""When a long-lived stream (SSE, a GraphQL WebSocket) must end: the gateway is shutting down,
or the credential that opened it is no longer valid (an API key revoked or expired, a session
ended or expired, a scope gone). Checked every `live_auth_check_s`; a check may be answered from the
identity cache, so another replica's revocation shows within `auth_cache_ttl_s` at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from gateway.identity.principal import Principal
from gateway.state import GatewayState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamEnd:
    reason: str  # shutdown | unauthorized | forbidden | unavailable
    detail: str  # short: it is also a WebSocket close reason (at most 123 bytes)
    reconnect: bool  # whether reconnecting (with the last event id) is the right move


SHUTDOWN = StreamEnd("shutdown", "the server is restarting: reconnect with your last event id",
                     True)
UNAUTHORIZED = StreamEnd("unauthorized", "the API key was revoked or has expired, or the session "
                         "ended", False)
FORBIDDEN = StreamEnd("forbidden", "this credential no longer has the 'read' scope", False)
UNAVAILABLE = StreamEnd("unavailable", "live events are unavailable for a moment: reconnect with "
                        "your last event id", True)
# Both live streams (SSE, the GraphQL subscription) carry conversations' events: a
# `conversations:read` key may hold them open.
LIVE_RESOURCE = "conversations"


async def stream_end(state: GatewayState,
                     authenticate: Callable[[], Awaitable[Principal | None]],
                     scope: str = "read", resource: str | None = LIVE_RESOURCE) -> StreamEnd:
    """Wait until the stream must end and say why. `authenticate` answers the stream's caller
    again from its original credential (None once that is no longer valid)."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.closing.wait(), state.settings.live_auth_check_s)
        if state.closing.is_set():
            return SHUTDOWN
        try:
            principal = await authenticate()
        except (SQLAlchemyError, OSError) as error:
            # A database blip does not cut every open stream; the next check decides.
            log.warning("could not re-check a live stream's credential", extra={"error": repr(error)})
            continue
        if principal is None:
            return UNAUTHORIZED
        if not principal.allows(scope, resource):
            return FORBIDDEN

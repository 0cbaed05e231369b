"""What `Runner.handle_update` raises, for whoever feeds it updates (the composition root's
durable consumer): redeliver later, refresh the bot registry, or dead-letter."""

from __future__ import annotations

from switchboard_sdk import ConnectionFailed, ProtocolError, RateLimited, ServerError, SwitchboardError

# The platform's answers a later try may change: it failed, was unreachable, throttled us, or
# something between us answered instead of it.
PLATFORM_TRANSIENT = (ServerError, ConnectionFailed, RateLimited, ProtocolError)


class TransientUpdateError(Exception):
    """The update could not be handled now (Telegram or the platform unreachable, slow or
    throttling): deliver it again later. Handling is idempotent, so a repeat is harmless."""


class UnknownBot(LookupError):
    """No bot with this id runs here: refresh the bot registry and try once more."""


class MalformedUpdate(ValueError):
    """The body is not a Telegram Update: no redelivery makes it one (dead-letter it)."""


def is_refusal(error: SwitchboardError) -> bool:
    """The platform said no to this request as it stands (a 4xx): tell the person what to do.
    Anything else is transient: the update is delivered again later."""
    return not isinstance(error, PLATFORM_TRANSIENT)

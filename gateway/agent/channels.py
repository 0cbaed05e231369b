"""A channel id an agent request names must be one of the caller's channels (asked of the
channels service, RLS-scoped), for REST and GraphQL alike: otherwise settings would be stored
for, or a preview recorded against, a channel the tenant does not have."""

from __future__ import annotations

import uuid

from gateway.state import GatewayState
from services.kernel.errors import InvalidArgument, NotFound


async def require_channel(state: GatewayState, tenant_id: uuid.UUID, channel_id: str, *,
                          in_body: bool = False) -> None:
    """Nothing for "" (the tenant level). NotFound (404) when the id names what the request is
    about (a settings level); InvalidArgument (422) for a field of the request's body."""
    if not channel_id:
        return
    try:
        uuid.UUID(channel_id)
    except ValueError:
        raise InvalidArgument("channel_id is not a valid id") from None
    if not await state.channels.batch_get_channels(tenant_id, [channel_id]):
        error = InvalidArgument if in_body else NotFound
        raise error(f"channel {channel_id} not found")

"""Channel accounts (Avito, ...) of the caller's tenant."""

from __future__ import annotations

import strawberry

from gateway.graphql.context import Context
from gateway.graphql.types import Channel, page_size


@strawberry.type
class ChannelQuery:
    @strawberry.field(description="The tenant's channel accounts (a tenant has a handful)")
    async def channels(self, info: strawberry.Info[Context, None], first: int = 100,
                       after: str | None = None) -> list[Channel]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.channels.list_channels(
            tenant_id, page_size=page_size(first), cursor=after or "")
        return [Channel.from_proto(c) for c in resp.channels]

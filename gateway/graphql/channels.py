"""Channel accounts (Avito, ...) of the caller's tenant."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from gateway.diagnostics import channel_diagnostics as channel_diagnostics_of
from gateway.graphql.context import Context
from gateway.graphql.types import Channel, page_size


@strawberry.type(description="One finding of channelDiagnostics")
class DiagnosticCheck:
    name: str = strawberry.field(description="public_url, credentials, messenger_access, "
                                             "webhook_subscription, last_webhook, sync (or status)")
    ok: bool
    message: str = strawberry.field(description="What was found")
    fix: str | None = strawberry.field(description="What to do about it; null when ok")


@strawberry.type
class ChannelDiagnostics:
    ok: bool = strawberry.field(description="Every check passed")
    channel: Channel
    checks: list[DiagnosticCheck]


@strawberry.type
class ChannelQuery:
    @strawberry.field(description="The tenant's channel accounts (a tenant has a handful)")
    async def channels(self, info: strawberry.Info[Context, None], first: int = 100,
                       after: str | None = None) -> list[Channel]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.channels.list_channels(
            tenant_id, page_size=page_size(first), cursor=after or "")
        return [Channel.from_proto(c) for c in resp.channels]

    @strawberry.field(description="What is wrong with a channel and how to fix it (calls Avito)")
    async def channel_diagnostics(self, info: strawberry.Info[Context, None],
                                  id: strawberry.ID) -> ChannelDiagnostics:
        tenant_id = info.context.require("read").tenant_id
        resp = await channel_diagnostics_of(info.context.state, tenant_id, str(id))
        checks = [DiagnosticCheck(name=c.name, ok=c.ok, message=c.message, fix=c.fix or None)
                  for c in resp.checks]
        return ChannelDiagnostics(ok=all(c.ok for c in checks),
                                  channel=Channel.from_proto(resp.channel), checks=checks)


@strawberry.type
class ChannelMutation:
    @strawberry.mutation(description="Reconcile a channel now: import what webhooks missed. "
                                     "Returns when the sync is due (now); it runs in the "
                                     "background within seconds")
    async def sync_channel(self, info: strawberry.Info[Context, None],
                           id: strawberry.ID) -> datetime:
        tenant_id = info.context.require("write").tenant_id
        resp = await info.context.state.channels.sync_channel(tenant_id, str(id))
        return resp.scheduled_for.ToDatetime(tzinfo=UTC)

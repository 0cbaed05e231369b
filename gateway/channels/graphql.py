"""Channel accounts (Avito, ...) of the caller's tenant in GraphQL: the `Channel` type (also
reached from `Conversation.channel`), the list, diagnostics and a sync."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

import strawberry

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common_pb
from gateway.channels.diagnostics import channel_diagnostics as channel_diagnostics_of
from gateway.graphql.context import Info
from gateway.graphql.pagination import page_size
from gateway.graphql.values import optional, timestamp


@strawberry.enum
class ChannelKind(Enum):
    AVITO = common_pb.CHANNEL_KIND_AVITO


@strawberry.enum
class ChannelStatus(Enum):
    ACTIVE = channels_pb.CHANNEL_STATUS_ACTIVE
    DISCONNECTED = channels_pb.CHANNEL_STATUS_DISCONNECTED


@strawberry.enum(description="CLIENT_CREDENTIALS: the seller's own client_id/secret; "
                             "AUTHORIZATION_CODE: authorized through the platform's partner app")
class AuthKind(Enum):
    CLIENT_CREDENTIALS = channels_pb.AUTH_KIND_CLIENT_CREDENTIALS
    AUTHORIZATION_CODE = channels_pb.AUTH_KIND_AUTHORIZATION_CODE


@strawberry.type
class Channel:
    id: strawberry.ID
    kind: ChannelKind
    name: str
    status: ChannelStatus
    external_account_id: str = strawberry.field(description="The account's id on the channel")
    external_account_name: str | None
    webhook_url: str | None = strawberry.field(
        description="Where the channel delivers events (the token in it masked)")
    webhook_subscribed: bool = strawberry.field(
        description="Whether Avito had the webhook URL when last checked")
    auth_kind: AuthKind | None
    webhook_enabled: bool = strawberry.field(description="Whether webhook deliveries are wanted")
    signing_secret_set: bool
    last_webhook_at: datetime | None = strawberry.field(
        description="When the last webhook delivery arrived (to the minute)")
    last_sync_at: datetime | None
    created_at: datetime | None

    @classmethod
    def from_proto(cls, c: channels_pb.Channel) -> Channel:
        return cls(id=strawberry.ID(c.id), kind=ChannelKind(c.kind), name=c.name,
                   status=ChannelStatus(c.status), external_account_id=c.external_account_id,
                   external_account_name=optional(c.external_account_name),
                   webhook_url=optional(c.webhook_url), webhook_subscribed=c.webhook_subscribed,
                   auth_kind=AuthKind(c.auth_kind) if c.auth_kind else None,
                   webhook_enabled=c.webhook_enabled, signing_secret_set=c.signing_secret_set,
                   last_webhook_at=timestamp(c, "last_webhook_at"),
                   last_sync_at=timestamp(c, "last_sync_at"),
                   created_at=timestamp(c, "created_at"))


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
    async def channels(self, info: Info, first: int = 100,
                       after: str | None = None) -> list[Channel]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.channels.list_channels(
            tenant_id, page_size=page_size(first), cursor=after or "")
        return [Channel.from_proto(c) for c in resp.channels]

    @strawberry.field(description="What is wrong with a channel and how to fix it (calls Avito)")
    async def channel_diagnostics(self, info: Info,
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
    async def sync_channel(self, info: Info,
                           id: strawberry.ID) -> datetime:
        tenant_id = info.context.require("write").tenant_id
        resp = await info.context.state.channels.sync_channel(tenant_id, str(id))
        return resp.scheduled_for.ToDatetime(tzinfo=UTC)

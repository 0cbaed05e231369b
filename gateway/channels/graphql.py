"""Channel accounts (Avito, ...) of the caller's tenant in GraphQL: the `Channel` type (also
reached from `Conversation.channel`), the list, diagnostics, a sync, and managing them as REST
does (connect, consent flow, webhook settings, disconnect: `management.py`, admin scope)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common_pb
from gateway.channels import management
from gateway.channels.diagnostics import channel_diagnostics as channel_diagnostics_of
from gateway.graphql.context import Info
from gateway.graphql.errors import invalid_input
from gateway.graphql.pagination import page_size
from gateway.graphql.values import optional, timestamp
from services.kernel.errors import NotFound


@strawberry.enum
class ChannelKind(Enum):
    AVITO = common_pb.CHANNEL_KIND_AVITO
    TELEGRAM = common_pb.CHANNEL_KIND_TELEGRAM


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
        description="Where the channel delivers events (the token in it masked, except in "
                    "connectAvitoChannel's answer)")
    webhook_subscribed: bool = strawberry.field(
        description="Whether Avito had the webhook URL when last checked")
    auth_kind: AuthKind | None
    webhook_enabled: bool = strawberry.field(description="Whether webhook deliveries are wanted")
    signing_secret_set: bool
    last_webhook_at: datetime | None = strawberry.field(
        description="When the last webhook delivery arrived (to the minute)")
    last_sync_at: datetime | None
    token_checked_at: datetime | None = strawberry.field(
        description="When the platform's periodic token check last ran")
    token_refused_since: datetime | None = strawberry.field(
        description="Since when Avito refuses the account's token (null: accepted); reconnect")
    token_error: str = strawberry.field(
        description="Why, or why the last check could not reach Avito")
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
                   token_checked_at=timestamp(c, "token_checked_at"),
                   token_refused_since=timestamp(c, "token_refused_since"),
                   token_error=c.token_error, created_at=timestamp(c, "created_at"))


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

    @strawberry.field(description="One channel account of the tenant; null when there is none "
                                  "by that id")
    async def channel(self, info: Info, id: strawberry.ID) -> Channel | None:
        tenant_id = info.context.require("read").tenant_id
        try:
            found = await info.context.state.channels.get_channel(tenant_id, str(id))
        except NotFound:
            return None
        return Channel.from_proto(found)

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


Form = TypeVar("Form", bound=BaseModel)


@strawberry.input(description="An Avito account by the seller's own client_id/secret "
                              "(Avito's developer page); secrets are write-only")
class ConnectAvitoChannelInput:
    name: str = strawberry.field(description="Your name for this shop")
    client_id: str
    client_secret: str
    signing_secret: str | None = strawberry.field(
        default=None, description="Optional HMAC key for X-Avito-Messenger-Signature")
    sandbox: bool = strawberry.field(default=False,
                                     description="Connect to the Avito emulator (sandbox mode)")
    subscribe_webhook: bool = True


@strawberry.input(description="A Telegram bot as a customer channel: buyers' private messages "
                              "to it become conversations; the token is write-only")
class ConnectTelegramChannelInput:
    token: str = strawberry.field(description="The bot's token from @BotFather")
    name: str | None = strawberry.field(
        default=None, description="Your name for this channel; by default the bot's @username")


@strawberry.input
class StartAvitoAuthorizationInput:
    name: str = strawberry.field(description="Your name for this shop")
    sandbox: bool = strawberry.field(default=False,
                                     description="Consent on the Avito emulator (sandbox)")


@strawberry.type
class AvitoAuthorization:
    authorization_url: str = strawberry.field(description=(
        "Send the seller here: they log in to Avito and allow access, then Avito redirects "
        "their browser to /v1/channels/avito/oauth/callback, which connects the account"))
    state: str = strawberry.field(description="Single-use; it comes back in the callback")
    expires_at: datetime


def _form(model: type[Form], fields: dict[str, Any]) -> Form:
    """The shared request model REST validates with; a null means "not given"."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        raise invalid_input(exc) from exc


@strawberry.type
class ChannelManagementMutation:
    @strawberry.mutation(description="Connect an Avito account: the credentials are checked with "
                                     "Avito, stored encrypted, and the webhook subscribed (admin)")
    async def connect_avito_channel(self, info: Info, input: ConnectAvitoChannelInput) -> Channel:
        tenant_id = info.context.require("admin").tenant_id
        form = _form(management.ConnectAvito, strawberry.asdict(input))
        return Channel.from_proto(await management.connect_avito(info.context.state, tenant_id, form))

    @strawberry.mutation(description="Connect a Telegram bot as a customer channel: the token is "
                                     "checked with Telegram, stored encrypted, and the webhook "
                                     "set; a bot another account uses is refused (admin)")
    async def connect_telegram_channel(self, info: Info,
                                       input: ConnectTelegramChannelInput) -> Channel:
        tenant_id = info.context.require("admin").tenant_id
        form = _form(management.ConnectTelegram, strawberry.asdict(input))
        return Channel.from_proto(
            await management.connect_telegram(info.context.state, tenant_id, form))

    @strawberry.mutation(description="Start connecting an Avito account through the platform's "
                                     "partner app (no client secret needed; admin); an "
                                     "error says when this installation has none")
    async def start_avito_authorization(self, info: Info,
                                        input: StartAvitoAuthorizationInput) -> AvitoAuthorization:
        tenant_id = info.context.require("admin").tenant_id
        form = _form(management.StartAuthorization, strawberry.asdict(input))
        resp = await management.start_avito_authorization(info.context.state, tenant_id, form)
        return AvitoAuthorization(authorization_url=resp.authorization_url, state=resp.state,
                                  expires_at=resp.expires_at.ToDatetime(tzinfo=UTC))

    @strawberry.mutation(description="Switch webhook deliveries on or off and/or set the signing "
                                     "secret (an empty string clears it); admin")
    async def set_channel_webhook(self, info: Info, id: strawberry.ID, enabled: bool | None = None,
                                  signing_secret: str | None = None) -> Channel:
        tenant_id = info.context.require("admin").tenant_id
        form = _form(management.WebhookSettings,
                     {"enabled": enabled, "signing_secret": signing_secret})
        return Channel.from_proto(
            await management.set_webhook(info.context.state, tenant_id, str(id), form))

    @strawberry.mutation(description="Unsubscribe the webhook, stop sync and sending; the "
                                     "conversations stay. Connecting the account again "
                                     "re-activates the channel (admin)")
    async def disconnect_channel(self, info: Info, id: strawberry.ID) -> Channel:
        tenant_id = info.context.require("admin").tenant_id
        return Channel.from_proto(
            await management.disconnect(info.context.state, tenant_id, str(id)))

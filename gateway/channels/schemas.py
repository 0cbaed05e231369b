"""REST representations of channel accounts: the account itself, diagnostics, the consent
flow's start. The requests' models are shared with GraphQL (`management.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from gateway.schemas import PageOut
from services.kernel.timestamps import to_datetime

# A channel kind's public name (conversations name their channel the same way).
CHANNEL_KINDS = {common.CHANNEL_KIND_AVITO: "avito", common.CHANNEL_KIND_TELEGRAM: "telegram"}
_CHANNEL_STATUS = {pb.CHANNEL_STATUS_ACTIVE: "active", pb.CHANNEL_STATUS_DISCONNECTED: "disconnected"}
_AUTH_KIND = {pb.AUTH_KIND_CLIENT_CREDENTIALS: "client_credentials",
              pb.AUTH_KIND_AUTHORIZATION_CODE: "authorization_code"}


class ChannelOut(BaseModel):
    id: str
    kind: str
    name: str
    status: str
    external_account_id: str
    external_account_name: str
    auth_kind: Literal["client_credentials", "authorization_code", "unknown"] = Field(
        description="The seller's own client_id/secret, or authorized through our partner app")
    webhook_url: str = Field(description="Shown in full once, when the account is connected")
    webhook_enabled: bool = Field(description="Whether webhook deliveries are wanted")
    webhook_subscribed: bool = Field(description="Whether Avito had the URL when last checked")
    signing_secret_set: bool
    last_webhook_at: datetime | None = Field(description="Last delivery (to the minute)")
    last_sync_at: datetime | None
    token_checked_at: datetime | None = Field(
        description="When the platform's periodic token check last ran")
    token_refused_since: datetime | None = Field(
        description="Since when Avito refuses the account's token (null: accepted); reconnect")
    token_error: str = Field(description="Why, or why the last check could not reach Avito")
    created_at: datetime | None

    @classmethod
    def from_proto(cls, c: pb.Channel) -> ChannelOut:
        return cls(id=c.id, kind=CHANNEL_KINDS.get(c.kind, "unknown"), name=c.name,
                   status=_CHANNEL_STATUS.get(c.status, "unknown"),
                   external_account_id=c.external_account_id,
                   external_account_name=c.external_account_name,
                   auth_kind=_AUTH_KIND.get(c.auth_kind, "unknown"),  # type: ignore[arg-type]
                   webhook_url=c.webhook_url, webhook_enabled=c.webhook_enabled,
                   webhook_subscribed=c.webhook_subscribed,
                   signing_secret_set=c.signing_secret_set,
                   last_webhook_at=to_datetime(c.last_webhook_at),
                   last_sync_at=to_datetime(c.last_sync_at),
                   token_checked_at=to_datetime(c.token_checked_at),
                   token_refused_since=to_datetime(c.token_refused_since),
                   token_error=c.token_error, created_at=to_datetime(c.created_at))


class ChannelList(BaseModel):
    items: list[ChannelOut]
    page: PageOut


class DiagnosticCheckOut(BaseModel):
    name: str = Field(description="public_url, credentials, messenger_access, "
                                  "webhook_subscription, last_webhook, sync (or status)")
    ok: bool
    message: str = Field(description="What was found")
    fix: str = Field(description="What to do about it (empty when ok)")


class ChannelDiagnosticsOut(BaseModel):
    ok: bool = Field(description="Every check passed")
    channel: ChannelOut
    checks: list[DiagnosticCheckOut]

    @classmethod
    def from_proto(cls, d: pb.GetChannelDiagnosticsResponse) -> ChannelDiagnosticsOut:
        checks = [DiagnosticCheckOut(name=c.name, ok=c.ok, message=c.message, fix=c.fix)
                  for c in d.checks]
        return cls(ok=all(c.ok for c in checks), channel=ChannelOut.from_proto(d.channel),
                   checks=checks)


class SyncScheduled(BaseModel):
    scheduled_for: datetime = Field(description="When the sync is due (now): it starts within "
                                                "seconds and imports what webhooks missed")


class AuthorizationOut(BaseModel):
    authorization_url: str = Field(description=(
        "Send the seller here: they log in to Avito and allow access, then Avito redirects "
        "their browser to /v1/channels/avito/oauth/callback, which connects the account"))
    state: str = Field(description="Single-use; it comes back in the callback")
    expires_at: datetime

"""Managing channel accounts, for REST and GraphQL alike: connecting Avito (the seller's
credentials, or the consent flow), the webhook's settings, disconnecting. One shape of each
request, one validation, one call to the channels service; the protocols only translate."""

from __future__ import annotations

import uuid
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from gateway.state import GatewayState
from services.kernel.errors import InvalidArgument


class ConnectAvito(BaseModel):
    name: str = Field(min_length=1, max_length=255, description="Your name for this shop")
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: str = Field(min_length=1, max_length=255)
    signing_secret: str = Field(default="", max_length=255,
                                description="Optional HMAC key for X-Avito-Messenger-Signature")
    subscribe_webhook: bool = True
    sandbox: bool = Field(default=False, description="Connect to the Avito emulator (sandbox mode)")


class ConnectTelegram(BaseModel):
    token: str = Field(min_length=1, max_length=200, description="The bot's token from @BotFather")
    name: str = Field(default="", max_length=255,
                      description="Your name for this channel; empty: the bot's @username")


class StartAuthorization(BaseModel):
    name: str = Field(min_length=1, max_length=255, description="Your name for this shop")
    sandbox: bool = Field(default=False, description="Consent on the Avito emulator (sandbox)")


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = Field(default=None, description=(
        "Subscribe (true) or unsubscribe (false) the channel's webhook URL on Avito"))
    signing_secret: str | None = Field(default=None, max_length=255, description=(
        "HMAC key for X-Avito-Messenger-Signature; an empty string clears it"))

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if self.enabled is None and self.signing_secret is None:
            raise ValueError("give `enabled`, `signing_secret` or both")
        return self


def sandbox_api_url(state: GatewayState, sandbox: bool) -> str:
    """The Avito emulator's URL for a sandbox account; "" (the real Avito) otherwise."""
    if not sandbox:
        return ""
    if not state.settings.avito_sandbox_url:
        raise InvalidArgument("sandbox mode is not available on this installation")
    return state.settings.avito_sandbox_url


async def connect_avito(state: GatewayState, tenant_id: uuid.UUID, form: ConnectAvito) -> pb.Channel:
    """Validate the credentials with Avito, store them encrypted, subscribe the webhook. The
    channel's `webhook_url` is in full only in this answer."""
    return await state.channels.connect_avito_account(tenant_id, pb.ConnectAvitoAccountRequest(
        name=form.name, client_id=form.client_id, client_secret=form.client_secret,
        signing_secret=form.signing_secret, api_base_url=sandbox_api_url(state, form.sandbox),
        public_base_url=state.settings.public_base_url, subscribe_webhook=form.subscribe_webhook))


async def connect_telegram(state: GatewayState, tenant_id: uuid.UUID,
                           form: ConnectTelegram) -> pb.Channel:
    """A Telegram bot as a customer channel: the token checked with getMe, the webhook set with
    a fresh secret; a bot another account uses (channel or console bot) is refused (409)."""
    channel = await state.channels.connect_telegram_channel(
        tenant_id, pb.ConnectTelegramChannelRequest(
            token=form.token, name=form.name, public_base_url=state.settings.public_base_url))
    state.webhooks.resolver.forget(channel.id)  # connected again: its new secret applies at once
    return channel


async def start_avito_authorization(state: GatewayState, tenant_id: uuid.UUID,
                                    form: StartAuthorization) -> pb.StartAvitoAuthorizationResponse:
    """Avito's consent URL for the seller, and the single-use state that comes back with them."""
    return await state.channels.start_avito_authorization(tenant_id, pb.StartAvitoAuthorizationRequest(
        name=form.name, api_base_url=sandbox_api_url(state, form.sandbox),
        public_base_url=state.settings.public_base_url))


async def set_webhook(state: GatewayState, tenant_id: uuid.UUID, channel_id: str,
                      form: WebhookSettings) -> pb.Channel:
    try:
        return await state.channels.set_webhook(tenant_id, channel_id, enabled=form.enabled,
                                                signing_secret=form.signing_secret)
    finally:  # even when Avito failed after the setting was saved: a new secret applies at once
        state.webhooks.resolver.forget(channel_id)


async def disconnect(state: GatewayState, tenant_id: uuid.UUID, channel_id: str) -> pb.Channel:
    try:
        return await state.channels.disconnect_channel(tenant_id, channel_id)
    finally:
        state.webhooks.resolver.forget(channel_id)

"""Tenants' Telegram bots, for REST and GraphQL alike: registering (with the bot runner's API
key, minted here), the linked group, removing. One shape of each request, one validation, one
call to the channels service; the protocols only translate.

The runner acts for the tenant through the public API like any third party, with an admin key
of its own per bot ("Telegram bot runner"): minted before RegisterTelegramBot (channels keeps
it encrypted for the runner), revoked if the registration fails, when the bot is registered
again (the old one) and after it is removed. A token is never echoed in an error or a log.
"""

from __future__ import annotations

import logging
import uuid
from typing import Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from gateway.identity.principal import Principal
from gateway.state import GatewayState
from services.kernel.errors import NotFound

log = logging.getLogger(__name__)

RUNNER_KEY_NAME = "Telegram bot runner"
DELIVERY = {"webhook": pb.TELEGRAM_DELIVERY_WEBHOOK, "polling": pb.TELEGRAM_DELIVERY_POLLING}
DELIVERY_NAMES = {value: name for name, value in DELIVERY.items()}
MIN_CHAT_ID = -(2**63)


class RegisterBot(BaseModel):
    token: str = Field(min_length=1, max_length=200, repr=False,
                       description="The bot's token from @BotFather (write-only)")
    delivery: Literal["webhook", "polling"] = Field(default="webhook", description=(
        "webhook: Telegram POSTs updates to this installation; polling: no webhook, the bot "
        "runner asks Telegram (for local development)"))


class BotGroup(BaseModel):
    chat_id: int = Field(lt=0, ge=MIN_CHAT_ID, description=(
        "The supergroup's id (negative, e.g. -1001234567890), where the bot posts conversations"))
    title: str = Field(min_length=1, max_length=255)


async def register(state: GatewayState, principal: Principal, form: RegisterBot) -> pb.TelegramBot:
    """Validate the token with Telegram, store it encrypted and set the webhook (or delete it
    for polling); the same bot again updates it, with a new webhook secret and runner key."""
    key, info = await state.identity.create_api_key(principal, RUNNER_KEY_NAME, ["admin"])
    try:
        done = await state.channels.register_telegram_bot(
            principal.tenant_id, pb.RegisterTelegramBotRequest(
                token=form.token, delivery=DELIVERY[form.delivery],
                public_base_url=state.settings.public_base_url, runner_api_key=key,
                runner_api_key_id=str(info.id)))
    except BaseException:
        await _revoke(state, principal, str(info.id))
        raise
    state.webhooks.telegram.forget(done.bot.id)  # a new secret applies here at once
    if done.replaced_runner_api_key_id:
        await _revoke(state, principal, done.replaced_runner_api_key_id)
    return done.bot


async def set_group(state: GatewayState, tenant_id: uuid.UUID, bot_id: str,
                    group: BotGroup | None) -> pb.TelegramBot:
    """Link the supergroup (None unlinks it)."""
    return await state.channels.set_telegram_bot_group(
        tenant_id, bot_id, group.chat_id if group else 0, group.title if group else "")


async def remove(state: GatewayState, principal: Principal, bot_id: str) -> None:
    """Delete the webhook on Telegram, then the bot; then revoke the runner's key."""
    key_id = await state.channels.remove_telegram_bot(principal.tenant_id, bot_id)
    state.webhooks.telegram.removed(bot_id)
    await _revoke(state, principal, key_id)


async def _revoke(state: GatewayState, principal: Principal, key_id: str) -> None:
    """Best effort: a key that could not be revoked is logged (an admin can revoke it)."""
    try:
        await state.identity.revoke_api_key(principal, uuid.UUID(key_id))
    except NotFound:
        pass  # revoked already (by hand)
    except Exception:
        log.exception("could not revoke a Telegram bot runner's API key",
                      extra={"api_key": key_id})

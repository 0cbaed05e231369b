"""Tenants' Telegram bots through the SDK (issue #12): its documents hold against the gateway's
schema, and a round trip on the real platform and the Telegram emulator (register, list, read,
link and unlink the group, polling, remove) with the API's refusals as the SDK's exceptions
and another tenant taking nothing."""

from __future__ import annotations

import uuid

import pytest
from graphql import parse, validate
from switchboard_sdk import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Switchboard,
    TelegramBot,
    TelegramBotGroup,
    TelegramDelivery,
)
from switchboard_sdk import telegram_bots as documents

from gateway.config import GatewaySettings
from gateway.graphql.schema import build_schema
from tests.clients.sdk.conftest import client, new_key
from tests.fixtures.platform import RunningPlatform, Tenant
from tests.gateway.telegram_bots import new_bot, webhook_of

GROUP_ID = -1001234567890  # beyond 32 bits: kept whole on the way through


def test_the_documents_are_valid_against_the_schema() -> None:
    schema = build_schema(GatewaySettings())._schema
    names = [name for name in vars(documents) if name.isupper() and name not in ("BOT", "MAX_PAGE")]
    assert len(names) == 5
    for name in names:
        assert validate(schema, parse(getattr(documents, name))) == [], name


@pytest.mark.slow
async def test_a_round_trip(platform: RunningPlatform, sb: Switchboard) -> None:
    bot = await new_bot(platform, username="sdk_shop_bot", first_name="Лавка")
    registered = await sb.register_telegram_bot(bot["token"])
    assert registered == TelegramBot(
        registered.id, bot["id"], "sdk_shop_bot", "Лавка", TelegramDelivery.WEBHOOK, None,
        f"{platform.gateway_url}/webhooks/telegram/{registered.id}", registered.created_at)
    assert (await webhook_of(platform, bot))["url"] == registered.webhook_url  # type: ignore[index]
    assert await sb.telegram_bots() == [registered]
    assert await sb.telegram_bot(registered.id) == registered
    assert await sb.telegram_bot(str(uuid.uuid4())) is None

    linked = await sb.set_telegram_bot_group(registered.id, GROUP_ID, "Менеджеры")
    assert linked.group == TelegramBotGroup(GROUP_ID, "Менеджеры")
    assert (await sb.set_telegram_bot_group(registered.id, None)).group is None

    polled = await sb.register_telegram_bot(bot["token"], delivery=TelegramDelivery.POLLING)
    assert (polled.id, polled.delivery, polled.webhook_url) == (
        registered.id, TelegramDelivery.POLLING, None)
    assert await webhook_of(platform, bot) is None

    await sb.remove_telegram_bot(registered.id)
    assert await sb.telegram_bots() == []
    with pytest.raises(NotFound):
        await sb.remove_telegram_bot(registered.id)


@pytest.mark.slow
async def test_refusals_and_another_tenant(platform: RunningPlatform, seller: Tenant,
                                           sb: Switchboard) -> None:
    with pytest.raises(InvalidInput, match="Telegram refused this token: check it with @BotFather"):
        await sb.register_telegram_bot("987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDqwe")
    with pytest.raises(InvalidInput) as empty:
        await sb.register_telegram_bot(" ")
    assert empty.value.field == "token"
    bot = await new_bot(platform)
    mine = await sb.register_telegram_bot(bot["token"])
    with pytest.raises(InvalidInput, match="negative"):
        await sb.set_telegram_bot_group(mine.id, 42, "Не группа")
    async with client(platform.gateway_url, await new_key(seller, "write")) as writer:
        with pytest.raises(PermissionDenied):
            await writer.remove_telegram_bot(mine.id)
    rival = await platform.new_tenant("Telegram bot rival")
    async with client(platform.gateway_url, rival.api_key) as other:
        with pytest.raises(Conflict, match="registered by another account"):
            await other.register_telegram_bot(bot["token"])
        assert await other.telegram_bot(mine.id) is None
        with pytest.raises(NotFound):
            await other.remove_telegram_bot(mine.id)
    assert await sb.telegram_bot(mine.id) == mine

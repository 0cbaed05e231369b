"""Tenants' Telegram bots through GraphQL, REST's code path: register, list, read, link and
unlink the group, remove; Telegram's refusal is BAD_USER_INPUT with what to do, a reader
cannot manage bots, another tenant sees nothing."""

from __future__ import annotations

import uuid

import pytest

from tests.fixtures.platform import RunningPlatform, Tenant
from tests.gateway.telegram_bots import new_bot, webhook_of
from tests.gateway.test_channels_graphql import error, gql

pytestmark = pytest.mark.slow

BOT = "id telegramId username firstName delivery webhookUrl createdAt group { chatId title }"
REGISTER = f"""mutation($input: RegisterTelegramBotInput!) {{
  registerTelegramBot(input: $input) {{ {BOT} }} }}"""
BOTS = f"query {{ telegramBots {{ {BOT} }} }}"
ONE = f"query($id: ID!) {{ telegramBot(id: $id) {{ {BOT} }} }}"
GROUP = f"""mutation($id: ID!, $group: TelegramBotGroupInput) {{
  setTelegramBotGroup(id: $id, group: $group) {{ {BOT} }} }}"""
REMOVE = "mutation($id: ID!) { removeTelegramBot(id: $id) }"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("GraphQL bots")


@pytest.fixture
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Another tenant")


async def test_register_group_and_remove(platform: RunningPlatform, seller: Tenant,
                                         other: Tenant) -> None:
    bot = await new_bot(platform, username="gql_shop_bot")
    body = await gql(seller, REGISTER, input={"token": bot["token"]})
    made = body["data"]["registerTelegramBot"]
    assert (made["telegramId"], made["username"], made["delivery"], made["group"]) == (
        str(bot["id"]), "gql_shop_bot", "WEBHOOK", None)
    assert made["webhookUrl"] == f"{platform.gateway_url}/webhooks/telegram/{made['id']}"
    assert (await webhook_of(platform, bot))["url"] == made["webhookUrl"]  # type: ignore[index]
    assert (await gql(seller, BOTS))["data"]["telegramBots"] == [made]
    assert (await gql(seller, ONE, id=made["id"]))["data"]["telegramBot"] == made
    assert (await gql(other, ONE, id=made["id"]))["data"]["telegramBot"] is None
    assert (await gql(other, BOTS))["data"]["telegramBots"] == []

    linked = await gql(seller, GROUP, id=made["id"],
                       group={"chatId": "-1001234567890", "title": "Менеджеры"})
    assert linked["data"]["setTelegramBotGroup"]["group"] == {"chatId": "-1001234567890",
                                                               "title": "Менеджеры"}
    assert error(await gql(seller, GROUP, id=made["id"], group={"chatId": "42", "title": "x"})) \
        == ("BAD_USER_INPUT", "group.chatId must be a supergroup's id: a negative integer")
    unlinked = await gql(seller, GROUP, id=made["id"], group=None)
    assert unlinked["data"]["setTelegramBotGroup"]["group"] is None

    assert error(await gql(other, REMOVE, id=made["id"]))[0] == "NOT_FOUND"
    assert (await gql(seller, REMOVE, id=made["id"]))["data"] == {"removeTelegramBot": True}
    assert await webhook_of(platform, bot) is None
    assert (await gql(seller, ONE, id=made["id"]))["data"]["telegramBot"] is None


async def test_polling_and_refusals(platform: RunningPlatform, seller: Tenant) -> None:
    bot = await new_bot(platform)
    polled = await gql(seller, REGISTER, input={"token": bot["token"], "delivery": "POLLING"})
    assert (polled["data"]["registerTelegramBot"]["delivery"],
            polled["data"]["registerTelegramBot"]["webhookUrl"]) == ("POLLING", None)
    refused = await gql(seller, REGISTER,
                        input={"token": "987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDqwe"})
    assert error(refused) == ("BAD_USER_INPUT",
                              "Telegram refused this token: check it with @BotFather")
    empty = await gql(seller, REGISTER, input={"token": ""})
    code, message = error(empty)
    assert code == "BAD_USER_INPUT" and message.startswith("token:")
    assert error(await gql(seller, REMOVE, id=str(uuid.uuid4())))[0] == "NOT_FOUND"


async def test_a_reader_cannot_manage_bots(platform: RunningPlatform, seller: Tenant) -> None:
    made = await seller.http.post("/v1/api-keys", json={"name": "reader", "scopes": ["read"]})
    reader = made.json()["key"]
    bot = await new_bot(platform)
    assert error(await gql(seller, REGISTER, reader, input={"token": bot["token"]}))[0] \
        == "FORBIDDEN"
    assert (await gql(seller, BOTS, reader))["data"]["telegramBots"] == []
    assert await webhook_of(platform, bot) is None

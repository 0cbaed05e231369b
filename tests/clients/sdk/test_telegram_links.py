"""Linking Telegram users through the SDK (issue #12), as the tenant's bot runner does it: its
documents hold against the gateway's schema, and a round trip on the real platform (a code for
a user, redeemed once, looked up, listed, unlinked) with the API's refusals as the SDK's
exceptions and another tenant seeing nothing."""

from __future__ import annotations

import uuid

import pytest
from graphql import parse, validate
from sqlalchemy import text
from switchboard_sdk import (
    InvalidInput,
    LinkedUser,
    NotFound,
    PermissionDenied,
    Switchboard,
    TelegramLink,
    UserRole,
)
from switchboard_sdk import telegram_links as documents

from gateway.config import GatewaySettings
from gateway.graphql.schema import build_schema
from tests.clients.sdk.conftest import client, new_key
from tests.fixtures.platform import RunningPlatform, Tenant

TELEGRAM_ID = 2**62 + 7  # beyond 53 bits: kept whole on the way through


def test_the_documents_are_valid_against_the_schema() -> None:
    schema = build_schema(GatewaySettings())._schema
    names = [name for name in vars(documents) if name.isupper() and name != "LINK"]
    assert len(names) == 5
    for name in names:
        assert validate(schema, parse(getattr(documents, name))) == [], name


async def owner_id(seller: Tenant) -> str:
    login = await seller.http.post("/v1/auth/login", json={"email": seller.email,
                                                           "password": seller.password})
    assert login.status_code == 200, login.text
    return str(login.json()["user_id"])


@pytest.mark.slow
async def test_a_round_trip_as_the_bot_runner(platform: RunningPlatform, seller: Tenant,
                                              sb: Switchboard) -> None:
    user_id = await owner_id(seller)
    code = await sb.create_telegram_link_code(user_id)
    assert code.user_id == user_id and code.start_command == f"/start {code.code}"
    assert code.expires_at is not None

    link = await sb.link_telegram_user(code.code.lower(), TELEGRAM_ID, "@shop_owner")
    assert link == TelegramLink(TELEGRAM_ID, LinkedUser(user_id, seller.email, "",
                                                        UserRole.OWNER, True),
                                "shop_owner", link.created_at)
    assert await sb.telegram_link(TELEGRAM_ID) == link
    assert await sb.telegram_links() == [link]
    assert await sb.telegram_link(12345) is None
    with pytest.raises(InvalidInput, match="unknown or expired"):
        await sb.link_telegram_user(code.code, TELEGRAM_ID + 1)

    async with platform.db.unit_of_work(seller.tenant_id) as session:
        await session.execute(text("UPDATE identity.users SET disabled_at = now() WHERE id = :u"),
                              {"u": uuid.UUID(user_id)})
    disabled = await sb.telegram_link(TELEGRAM_ID)
    assert disabled is not None and disabled.user.active is False

    await sb.unlink_telegram_user(TELEGRAM_ID)
    assert await sb.telegram_link(TELEGRAM_ID) is None
    with pytest.raises(NotFound):
        await sb.unlink_telegram_user(TELEGRAM_ID)


@pytest.mark.slow
async def test_refusals_and_another_tenant(platform: RunningPlatform, seller: Tenant,
                                           sb: Switchboard) -> None:
    user_id = await owner_id(seller)
    with pytest.raises(NotFound):
        await sb.create_telegram_link_code(str(uuid.uuid4()))
    with pytest.raises(InvalidInput) as bad:
        await sb.telegram_link(0)
    assert bad.value.field == "telegram_user_id"
    async with client(platform.gateway_url, await new_key(seller, "write")) as writer:
        with pytest.raises(PermissionDenied):
            await writer.telegram_links()

    code = await sb.create_telegram_link_code(user_id)
    rival = await platform.new_tenant("Telegram rival")
    async with client(platform.gateway_url, rival.api_key) as other:
        with pytest.raises(NotFound):
            await other.create_telegram_link_code(user_id)
        with pytest.raises(InvalidInput):
            await other.link_telegram_user(code.code, TELEGRAM_ID)
        assert await other.telegram_links() == []
    linked = await sb.link_telegram_user(code.code, TELEGRAM_ID)  # the rival spent nothing
    assert linked.user.id == user_id
    async with client(platform.gateway_url, rival.api_key) as other:
        assert await other.telegram_link(TELEGRAM_ID) is None

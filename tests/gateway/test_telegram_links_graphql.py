"""Linking Telegram users over GraphQL (issue #12): the same rules as REST (one service), with
the gateway's error policy: every refusal has its extensions.code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.identity.telegram_links import UNKNOWN_CODE
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.gateway import bearer
from tests.gateway.telegram_links import LinkWorld, Shop, link_world

LINK_FIELDS = "telegramUserId telegramUsername createdAt user { id email name role active }"
CREATE_CODE = """mutation($userId: ID) {
  createTelegramLinkCode(userId: $userId) { code userId expiresAt startCommand } }"""
LINK = f"""mutation($input: LinkTelegramUserInput!) {{ linkTelegramUser(input: $input) {{
  {LINK_FIELDS} }} }}"""
LOOKUP = f"""query($id: ID!) {{ telegramLink(telegramUserId: $id) {{ {LINK_FIELDS} }} }}"""
LIST = f"{{ telegramLinks {{ {LINK_FIELDS} }} }}"
UNLINK = "mutation($id: ID!) { unlinkTelegramUser(telegramUserId: $id) }"


@pytest.fixture
async def world(db: Database, settings: KernelSettings) -> AsyncIterator[LinkWorld]:
    async with link_world(db, settings) as world:
        yield world


@pytest.fixture
async def shop(world: LinkWorld) -> Shop:
    return await world.shop("Telegram shop")


@pytest.fixture
async def other(world: LinkWorld) -> Shop:
    return await world.shop("Other shop")


async def gql(http: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None,
              **variables: Any) -> dict[str, Any]:
    resp = await http.post("/graphql", json={"query": query, "variables": variables},
                           headers=headers)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def data(body: dict[str, Any]) -> Any:
    assert not body.get("errors"), body
    return body["data"]


def error(body: dict[str, Any]) -> tuple[str, str]:
    (first,) = body["errors"]
    return first["extensions"]["code"], first["message"]


async def code_for(http: httpx.AsyncClient, headers: dict[str, str] | None = None,
                   user_id: str | None = None) -> str:
    created = data(await gql(http, CREATE_CODE, headers, userId=user_id))
    return str(created["createTelegramLinkCode"]["code"])


async def test_create_link_look_up_list_and_unlink(world: LinkWorld, shop: Shop) -> None:
    own = data(await gql(shop.agent.session, CREATE_CODE))["createTelegramLinkCode"]
    assert own["userId"] == str(shop.agent.user_id)
    assert own["startCommand"] == f"/start {own['code']}"
    linked = data(await gql(world.http, LINK, shop.admin, input={
        "code": own["code"], "telegramUserId": "7000000001", "telegramUsername": "maria"}))
    link = linked["linkTelegramUser"]
    assert link["telegramUserId"] == "7000000001"
    assert link["user"] == {"id": str(shop.agent.user_id), "email": shop.agent.email,
                            "name": "Мария", "role": "agent", "active": True}
    assert data(await gql(world.http, LOOKUP, shop.admin, id=7000000001))["telegramLink"] == link
    assert data(await gql(world.http, LIST, shop.admin))["telegramLinks"] == [link]

    assert data(await gql(shop.agent.session, UNLINK, id="7000000001")) == {
        "unlinkTelegramUser": True}
    assert data(await gql(world.http, LOOKUP, shop.admin, id="7000000001")) == {
        "telegramLink": None}
    assert error(await gql(world.http, UNLINK, shop.admin, id="7000000001"))[0] == "NOT_FOUND"


async def test_an_admin_key_creates_codes_for_users_of_its_tenant_only(
        world: LinkWorld, shop: Shop, other: Shop) -> None:
    code = await code_for(world.http, shop.admin, str(shop.owner.user_id))
    link = data(await gql(world.http, LINK, shop.admin, input={
        "code": code, "telegramUserId": 7000000002}))["linkTelegramUser"]
    assert link["user"]["role"] == "owner"
    missing = await gql(world.http, CREATE_CODE, shop.admin, userId=str(other.owner.user_id))
    assert error(missing)[0] == "NOT_FOUND"
    assert error(await gql(world.http, CREATE_CODE, shop.admin)) == (
        "BAD_USER_INPUT", "user_id is required with an API key: the user to link")
    assert error(await gql(world.http, CREATE_CODE, shop.admin, userId="nope")) == (
        "BAD_USER_INPUT", "userId is not a valid id")
    assert error(await gql(shop.agent.session, CREATE_CODE,
                           userId=str(shop.owner.user_id)))[0] == "FORBIDDEN"


async def test_refusals_carry_their_codes(world: LinkWorld, shop: Shop) -> None:
    code = await code_for(shop.agent.session)
    reader = (await world.http.post("/v1/api-keys", headers=shop.admin,
                                    json={"name": "r", "scopes": ["read"]})).json()["key"]
    as_reader = bearer(reader)
    link_input = {"code": code, "telegramUserId": "7000000003"}
    assert error(await gql(world.http, LINK, as_reader, input=link_input))[0] == "FORBIDDEN"
    assert error(await gql(world.http, LIST, as_reader))[0] == "FORBIDDEN"
    assert error(await gql(world.http, LOOKUP, as_reader, id="1"))[0] == "FORBIDDEN"
    for bad in ("0", "-3", "abc", str(2**63), "1e5"):
        assert error(await gql(world.http, LOOKUP, shop.admin, id=bad)) == (
            "BAD_USER_INPUT", "telegramUserId must be a positive 64-bit integer")
    bad_id = await gql(world.http, LINK, shop.admin, input={**link_input, "telegramUserId": "x"})
    assert error(bad_id)[0] == "BAD_USER_INPUT" and "telegramUserId" in error(bad_id)[1]
    long_name = await gql(world.http, LINK, shop.admin,
                          input={**link_input, "telegramUsername": "n" * 65})
    assert error(long_name)[0] == "BAD_USER_INPUT"

    assert "errors" not in await gql(world.http, LINK, shop.admin, input=link_input)
    assert error(await gql(world.http, LINK, shop.admin, input=link_input)) == (
        "BAD_USER_INPUT", UNKNOWN_CODE)


async def test_a_disabled_user_is_a_failed_precondition_and_shows_inactive(
        world: LinkWorld, shop: Shop) -> None:
    pending = await code_for(world.http, shop.admin, str(shop.agent.user_id))
    owner_code = await code_for(shop.owner.session)
    data(await gql(world.http, LINK, shop.admin, input={"code": owner_code,
                                                        "telegramUserId": "7000000004"}))
    await world.disable(shop.tenant_id, shop.agent.user_id)
    refused = await gql(world.http, LINK, shop.admin, input={"code": pending,
                                                            "telegramUserId": "7000000005"})
    assert error(refused)[0] == "FAILED_PRECONDITION"
    await world.disable(shop.tenant_id, shop.owner.user_id)
    found = data(await gql(world.http, LOOKUP, shop.admin, id="7000000004"))["telegramLink"]
    assert found["user"]["active"] is False

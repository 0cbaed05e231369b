"""RLS on `identity.telegram_links` and `identity.telegram_link_codes` (migration 0014): each
tenant sees, changes and deletes only its own rows, and nothing without a tenant; through the
API another tenant's admin key can neither redeem this tenant's code nor see, look up or remove
its links — and the same Telegram account may be linked in both tenants, each to its own user."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gateway.identity.telegram_links import UNKNOWN_CODE
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.gateway.telegram_links import (
    LinkWorld,
    Shop,
    link_world,
    new_code,
    problem,
    redeem,
)
from tests.tenancy.rows import assert_isolated

# What _link_and_leave_a_code leaves: one link, the used code and the unused one.
ROWS = {"telegram_links": 1, "telegram_link_codes": 2}


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


async def _link_and_leave_a_code(world: LinkWorld, tenant: Shop, telegram_user_id: int) -> str:
    code = (await new_code(tenant.owner.session))["code"]
    assert (await redeem(world, tenant, code, telegram_user_id)).status_code == 201
    return str((await new_code(tenant.agent.session))["code"])  # unused


async def test_a_tenant_sees_changes_and_deletes_its_own_rows_only(
        world: LinkWorld, db: Database, shop: Shop, other: Shop) -> None:
    await _link_and_leave_a_code(world, shop, 900_000_001)
    for table, rows in ROWS.items():
        seen = await assert_isolated(db, f"identity.{table}", shop.tenant_id, other.tenant_id)
        assert seen == rows, table


@pytest.mark.parametrize("statement", [
    "INSERT INTO identity.telegram_links (id, tenant_id, user_id, telegram_user_id) "
    "VALUES (gen_random_uuid(), :t, :u, 900000002)",
    "INSERT INTO identity.telegram_link_codes (id, tenant_id, user_id, code_sha256, expires_at) "
    "VALUES (gen_random_uuid(), :t, :u, 'x', now() + interval '1 hour')",
])
async def test_a_tenant_cannot_write_rows_for_another(
        db: Database, shop: Shop, other: Shop, statement: str) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(other.tenant_id) as session:
            await session.execute(text(statement), {"t": shop.tenant_id, "u": shop.agent.user_id})


async def test_another_tenants_key_cannot_redeem_see_or_remove(
        world: LinkWorld, shop: Shop, other: Shop) -> None:
    unused = await _link_and_leave_a_code(world, shop, 900_000_003)
    assert problem(await redeem(world, other, unused, 900_000_004), 422) == UNKNOWN_CODE
    listed = await world.http.get("/v1/telegram/links", headers=other.admin)
    assert listed.status_code == 200 and listed.json()["items"] == []
    problem(await world.http.get("/v1/telegram/links/900000003", headers=other.admin), 404)
    problem(await world.http.delete("/v1/telegram/links/900000003", headers=other.admin), 404)
    refused = await world.http.post("/v1/telegram/link-codes", headers=other.admin,
                                    json={"user_id": str(shop.agent.user_id)})
    problem(refused, 404)
    # A's code and link are untouched: the code still works in A, the link is still there.
    assert (await redeem(world, shop, unused, 900_000_004)).status_code == 201
    still = await world.http.get("/v1/telegram/links/900000003", headers=shop.admin)
    assert still.status_code == 200


async def test_one_telegram_account_is_linked_in_each_tenant_on_its_own(
        world: LinkWorld, shop: Shop, other: Shop) -> None:
    for each in (shop, other):
        code = (await new_code(each.agent.session))["code"]
        assert (await redeem(world, each, code, 900_000_005)).status_code == 201
    for each in (shop, other):
        found = await world.http.get("/v1/telegram/links/900000005", headers=each.admin)
        assert found.json()["user"]["id"] == str(each.agent.user_id)

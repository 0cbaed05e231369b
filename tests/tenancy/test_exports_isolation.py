"""RLS on `identity.exports` and `identity.export_chunks` (migration 0022): a tenant's export
and its file are its own — another tenant sees, changes and downloads nothing of them, its own
export of the same range holds none of the first tenant's messages, and nothing is seen without
a tenant; the one cross-tenant function removes every tenant's expired exports only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gateway.exports.repository import ExportUnit
from services.kernel.db import Database
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.tenancy.rows import assert_isolated

TABLES = ("identity.exports", "identity.export_chunks")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform) -> tuple[Tenant, SandboxShop]:
    tenant = await platform.new_tenant("Экспорт A")
    shop = await platform.connect_sandbox_shop(tenant, "Export A")
    await platform.buyer_writes(shop, "Секрет магазина A")

    async def stored() -> bool:
        return bool((await tenant.http.get("/v1/conversations")).json()["items"])
    await eventually(stored, within=15)
    return tenant, shop


@pytest.fixture(scope="module")
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Экспорт B")


def _range(**extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"format": "csv", "from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(), **extra}


async def _done(tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    created = await tenant.http.post("/v1/exports", json=body)
    assert created.status_code == 202, created.text

    async def done() -> dict[str, Any] | None:
        state = (await tenant.http.get(f"/v1/exports/{created.json()['id']}")).json()
        return state if state["status"] == "done" else None
    return await eventually(done, within=20)


@pytest.fixture(scope="module")
async def exported(shop: tuple[Tenant, SandboxShop]) -> dict[str, Any]:
    return await _done(shop[0], _range())


@pytest.mark.parametrize("table", TABLES)
async def test_a_tenant_sees_changes_and_deletes_its_own_rows_only(
        db: Database, shop: tuple[Tenant, SandboxShop], other: Tenant,
        exported: dict[str, Any], table: str) -> None:
    await assert_isolated(db, table, shop[0].tenant_id, other.tenant_id)


async def test_a_tenant_cannot_write_an_export_for_another(
        db: Database, shop: tuple[Tenant, SandboxShop], other: Tenant) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(other.tenant_id) as session:
            await session.execute(text(
                "INSERT INTO identity.exports (id, tenant_id, format, time_zone, range_from, "
                "range_to, status, expires_at) VALUES (gen_random_uuid(), :t, 'csv', 'UTC', "
                "now(), now(), 'done', now() + interval '1 day')"), {"t": shop[0].tenant_id})


async def test_another_tenant_can_neither_read_nor_export_its_data(
        shop: tuple[Tenant, SandboxShop], other: Tenant, exported: dict[str, Any]) -> None:
    tenant, sandbox = shop
    assert exported["rows_total"] == 1
    for path in (f"/v1/exports/{exported['id']}", exported["download_url"]):
        resp = await other.http.get(path)
        assert resp.status_code == 404 and resp.headers["content-type"].startswith(
            "application/problem+json")
    theirs = await _done(other, _range())  # the same range: none of A's messages
    assert (theirs["rows_total"], theirs["rows_done"]) == (0, 0)
    file = await other.http.get(theirs["download_url"])
    assert "Секрет" not in file.content.decode("utf-8-sig") and len(
        file.content.decode("utf-8-sig").splitlines()) == 1  # the header alone
    named = await other.http.post("/v1/exports", json=_range(
        channel_ids=[sandbox.channel["id"]]))
    assert named.status_code == 422 and "not found" in named.json()["detail"]
    assert (await tenant.http.get(exported["download_url"])).status_code == 200


async def test_the_purge_removes_every_tenants_expired_exports_only(
        db: Database, shop: tuple[Tenant, SandboxShop], other: Tenant,
        exported: dict[str, Any]) -> None:
    expired = {}
    for tenant in (shop[0].tenant_id, other.tenant_id):
        async with db.unit_of_work(tenant) as session:
            expired[tenant] = await session.scalar(text(
                "INSERT INTO identity.exports (id, tenant_id, format, time_zone, range_from, "
                "range_to, status, expires_at) VALUES (gen_random_uuid(), :t, 'csv', 'UTC', "
                "now(), now(), 'done', now() - interval '1 second') RETURNING id"), {"t": tenant})
            await session.execute(text(
                "INSERT INTO identity.export_chunks (id, tenant_id, export_id, seq, data) "
                "VALUES (gen_random_uuid(), :t, :e, 0, 'x')"), {"t": tenant, "e": expired[tenant]})
    async with db.unscoped_unit_of_work() as session:
        assert await ExportUnit(session).exports.purge_expired() >= 2
    for tenant, export_id in expired.items():
        async with db.unit_of_work(tenant) as session:
            left = await session.scalar(text(
                "SELECT (SELECT count(*) FROM identity.exports WHERE id = :e) + "
                "(SELECT count(*) FROM identity.export_chunks WHERE export_id = :e)"),
                {"e": export_id})
        assert left == 0
    assert (await shop[0].http.get(f"/v1/exports/{exported['id']}")).status_code == 200

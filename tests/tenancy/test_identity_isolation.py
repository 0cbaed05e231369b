"""RLS on identity: a bound tenant sees and writes only its rows, no tenant sees nothing (a
credential is found only through its definer function, one row), and pooled connections carry
nothing over."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity import keys
from gateway.identity.repository import IdentityRepository
from gateway.identity.service import IdentityService, TenantCreated
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.gateway import bearer, client_for, gateway_settings, identity_app

PASSWORD = "isolation-password"
CREDENTIAL_TABLES = ("users", "api_keys", "sessions")


@dataclass
class Seeded:
    a: TenantCreated
    b: TenantCreated


@pytest.fixture
def identity(db: Database, settings: KernelSettings) -> IdentityService:
    return IdentityService(db, gateway_settings(settings))


@pytest.fixture
async def seeded(identity: IdentityService) -> Seeded:
    """Two tenants, each with an owner, an admin key and a live session."""
    tenants = []
    for name in ("Tenant A", "Tenant B"):
        email = f"{uuid.uuid4().hex[:10]}@example.com"
        tenants.append(await identity.create_tenant(name, email, PASSWORD))
        await identity.login(email, PASSWORD)
    return Seeded(*tenants)


@pytest.fixture
async def client(db: Database, settings: KernelSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(identity_app(db, gateway_settings(settings))) as http:
        yield http


async def count(session: AsyncSession, table: str, tenant_id: uuid.UUID | None = None) -> int:
    key = "id" if table == "tenants" else "tenant_id"
    where = f" WHERE {key} = :t" if tenant_id else ""
    value = await session.scalar(text(f"SELECT count(*) FROM identity.{table}{where}"),
                                 {"t": tenant_id})
    return int(value)


async def test_a_bound_tenant_sees_only_its_own_rows(db: Database, seeded: Seeded) -> None:
    async with db.unit_of_work(seeded.b.tenant_id) as session:
        for table in (*CREDENTIAL_TABLES, "tenants"):
            assert await count(session, table, seeded.a.tenant_id) == 0, table
            assert await count(session, table, seeded.b.tenant_id) >= 1, table
        changed = await session.execute(
            text("UPDATE identity.api_keys SET name = 'stolen' WHERE tenant_id = :t"),
            {"t": seeded.a.tenant_id})
        assert changed.rowcount == 0


@pytest.mark.parametrize("statement", [
    "INSERT INTO identity.users (id, tenant_id, email, password_hash, role) "
    "VALUES (gen_random_uuid(), :a, :email, 'x', 'owner')",
    "INSERT INTO identity.api_keys (id, tenant_id, name, key_id, secret_sha256, scopes) "
    "VALUES (gen_random_uuid(), :a, 'k', :email, 'x', '{admin}')",
    "INSERT INTO identity.tenants (id, name) VALUES (:a, 'again')",
])
async def test_a_bound_tenant_cannot_write_for_another(
        db: Database, seeded: Seeded, statement: str) -> None:
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(seeded.b.tenant_id) as session:
            await session.execute(text(statement), {
                "a": seeded.a.tenant_id, "email": f"{uuid.uuid4().hex[:12]}"})


async def test_no_tenant_sees_nothing(db: Database, seeded: Seeded) -> None:
    async with db.unscoped_unit_of_work() as session:
        for table in (*CREDENTIAL_TABLES, "tenants"):
            assert await count(session, table) == 0, table


async def test_a_tenantless_unit_finds_one_credential_and_nothing_else(
        db: Database, seeded: Seeded) -> None:
    async with db.unscoped_unit_of_work() as session:
        for table in (*CREDENTIAL_TABLES, "tenants"):
            assert await count(session, table) == 0, table
        key = await IdentityRepository(session).api_key_credential(_key_id(seeded.a.api_key))
        assert key is not None and key.tenant_id == seeded.a.tenant_id
        for table in CREDENTIAL_TABLES:
            changed = await session.execute(text(f"UPDATE identity.{table} SET updated_at = now() "
                                                 f"WHERE tenant_id = :a"), {"a": seeded.a.tenant_id})
            assert changed.rowcount == 0, table
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unscoped_unit_of_work() as session:
            await session.execute(text(
                "INSERT INTO identity.users (id, tenant_id, email, password_hash, role) "
                "VALUES (gen_random_uuid(), :a, 'nobody@example.com', 'x', 'owner')"),
                {"a": seeded.a.tenant_id})


async def test_a_pooled_connection_carries_no_tenant(app_url: str, seeded: Seeded) -> None:
    single = Database(app_url, pool_size=1)
    try:
        async with single.unit_of_work(seeded.a.tenant_id) as session:
            assert await count(session, "users", seeded.a.tenant_id) == 1
        async with single.unscoped_unit_of_work() as session:
            assert await count(session, "users") == 0
            assert await session.scalar(text("SELECT current_user")) == "switchboard_app"
    finally:
        await single.dispose()


def _key_id(api_key: str) -> str:
    return keys.parse_api_key(api_key)[0]


async def test_a_key_cannot_reach_another_tenants_keys(
        client: httpx.AsyncClient, seeded: Seeded) -> None:
    as_b = bearer(seeded.b.api_key)
    listed = (await client.get("/v1/api-keys", headers=as_b)).json()["items"]
    assert [item["id"] for item in listed] == [str(seeded.b.api_key_id)]
    response = await client.delete(f"/v1/api-keys/{seeded.a.api_key_id}", headers=as_b)
    assert response.status_code == 404
    me = await client.get("/v1/auth/me", headers=bearer(seeded.a.api_key))
    assert me.status_code == 200 and me.json()["tenant_id"] == str(seeded.a.tenant_id)

"""Probe (issue #19, "the app role can become the system role"): as the application's own
database role, on a connection with no tenant bound — what one SQL injection would get — try
to become the system role and read every tenant's users, key hashes and channel accounts. Two
tenants; each of their credentials still works through the gateway."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest

from gateway.identity.service import IdentityService, TenantCreated
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.gateway import bearer, client_for, gateway_settings, identity_app

PASSWORD = "probe-password-1"


@dataclass
class Tenants:
    a: TenantCreated
    b: TenantCreated
    emails: tuple[str, str]


@pytest.fixture
async def tenants(db: Database, settings: KernelSettings) -> Tenants:
    identity = IdentityService(db, gateway_settings(settings))
    emails = (f"{uuid.uuid4().hex[:10]}@example.com", f"{uuid.uuid4().hex[:10]}@example.com")
    created = [await identity.create_tenant(name, email, PASSWORD)
               for name, email in zip(("Probe A", "Probe B"), emails, strict=True)]
    return Tenants(*created, emails=emails)


@pytest.fixture
async def injected(app_url: str) -> AsyncIterator[asyncpg.Connection]:
    """The runtime role's connection, as a query smuggled into any statement would have it."""
    conn = await asyncpg.connect(app_url)
    yield conn
    await conn.close()


async def test_the_app_role_cannot_become_the_system_role(
        injected: asyncpg.Connection, tenants: Tenants) -> None:
    for attempt in ("SELECT set_config('role', 'switchboard_system', true)",
                    "SET ROLE switchboard_system", "SET LOCAL ROLE switchboard_system"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with injected.transaction():
                await injected.execute(attempt)


@pytest.mark.parametrize("table", ["identity.users", "identity.api_keys", "identity.sessions",
                                   "identity.tenants", "channels.channel_accounts",
                                   "channels.oauth_states"])
async def test_no_tenant_bound_reads_no_credentials(
        injected: asyncpg.Connection, tenants: Tenants, table: str) -> None:
    assert await injected.fetchval(f"SELECT count(*) FROM {table}") == 0


async def test_the_definer_functions_give_one_row_for_what_the_caller_already_holds(
        injected: asyncpg.Connection, tenants: Tenants) -> None:
    # Guessing is all an injection can do: patterns and empty values find nothing ...
    for call in ("SELECT * FROM identity.login_credential('%@example.com')",
                 "SELECT * FROM identity.api_key_credential('%')",
                 "SELECT * FROM identity.session_credential('')"):
        assert await injected.fetch(call) == [], call
    # ... and knowing tenant A's address gives A's row, never B's.
    rows = await injected.fetch("SELECT tenant_id FROM identity.login_credential($1)",
                                tenants.emails[0])
    assert [r[0] for r in rows] == [tenants.a.tenant_id]


async def test_the_definer_functions_cannot_be_replaced_or_imitated(
        injected: asyncpg.Connection) -> None:
    attempts = [
        "CREATE OR REPLACE FUNCTION identity.email_registered(p_email text) RETURNS boolean "
        "LANGUAGE sql AS 'SELECT true'",
        "ALTER FUNCTION identity.email_registered(text) SECURITY INVOKER",
        "CREATE FUNCTION identity.everyone() RETURNS SETOF identity.users LANGUAGE sql "
        "SECURITY DEFINER AS 'SELECT * FROM identity.users'",
    ]
    for attempt in attempts:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with injected.transaction():
                await injected.execute(attempt)
    # Not the owner: PostgreSQL only warns that nothing was granted.
    await injected.execute("GRANT EXECUTE ON FUNCTION identity.email_registered(text) TO PUBLIC")
    assert not await injected.fetchval("""
        SELECT bool_or(a.grantee = 0) FROM pg_proc p, aclexplode(p.proacl) a
        WHERE p.oid = 'identity.email_registered(text)'::regprocedure""")


async def test_each_tenants_credentials_still_authenticate_it(
        db: Database, settings: KernelSettings, tenants: Tenants) -> None:
    app = identity_app(db, gateway_settings(settings))
    async with client_for(app) as http:
        for created, email in zip((tenants.a, tenants.b), tenants.emails, strict=True):
            me = await http.get("/v1/auth/me", headers=bearer(created.api_key))
            assert me.status_code == 200 and me.json()["tenant_id"] == str(created.tenant_id)
            await _session_is_the_tenants(http, email, created)


async def _session_is_the_tenants(http: httpx.AsyncClient, email: str,
                                  created: TenantCreated) -> None:
    login = await http.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    me = await http.get("/v1/auth/me")
    assert me.status_code == 200 and me.json()["tenant_id"] == str(created.tenant_id)
    assert (await http.post("/v1/auth/logout")).status_code in (200, 204)
    assert (await http.get("/v1/auth/me")).status_code == 401

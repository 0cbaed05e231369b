"""RLS on `identity.user_tokens` (migration 0027: invitations and password resets): each tenant
sees, changes and deletes only its own rows, nothing without a tenant; through the API another
tenant's admin can neither list, change nor reset this tenant's users, and a link whose token
names another tenant redeems nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gateway.identity.service import IdentityService, TenantCreated
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.gateway import bearer, client_for, gateway_settings, identity_app
from tests.tenancy.rows import assert_isolated

PASSWORD = "isolation-password"


@pytest.fixture
async def client(db: Database, settings: KernelSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(identity_app(db, gateway_settings(settings))) as http:
        yield http


@pytest.fixture
async def tenants(db: Database, settings: KernelSettings) -> tuple[TenantCreated, TenantCreated]:
    identity = IdentityService(db, gateway_settings(settings))
    a, b = [await identity.create_tenant(name, f"{uuid.uuid4().hex[:10]}@example.com", PASSWORD)
            for name in ("Tenant A", "Tenant B")]
    return a, b


async def test_tokens_and_users_stay_in_their_tenant(
        db: Database, client: httpx.AsyncClient,
        tenants: tuple[TenantCreated, TenantCreated]) -> None:
    a, b = tenants
    invited = await client.post("/v1/users", headers=bearer(a.api_key),
                                json={"email": f"{uuid.uuid4().hex[:10]}@example.com",
                                      "role": "agent"})
    assert invited.status_code == 201, invited.text
    user_id = invited.json()["user"]["id"]
    assert await assert_isolated(db, "identity.user_tokens", a.tenant_id, b.tenant_id) == 1

    other = bearer(b.api_key)
    listed = (await client.get("/v1/users", headers=other)).json()["items"]
    assert [u["id"] for u in listed] == [str(b.owner_user_id)]
    assert (await client.patch(f"/v1/users/{user_id}", headers=other,
                               json={"active": False})).status_code == 404
    assert (await client.post(f"/v1/users/{user_id}/password-reset",
                              headers=other)).status_code == 404
    # The token names tenant A; with B's id in front, its secret finds nothing.
    secret = invited.json()["invite_url"].rsplit("/", 1)[1].split(".", 1)[1]
    forged = await client.post("/v1/auth/accept-invite", json={
        "token": f"{b.tenant_id.hex}.{secret}", "password": PASSWORD})
    assert forged.status_code == 422, forged.text


async def test_a_tenant_cannot_write_a_token_for_another(
        db: Database, tenants: tuple[TenantCreated, TenantCreated]) -> None:
    a, b = tenants
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.unit_of_work(b.tenant_id) as session:
            await session.execute(text(
                "INSERT INTO identity.user_tokens (id, tenant_id, user_id, purpose, "
                "token_sha256, expires_at) VALUES (gen_random_uuid(), :a, :u, 'reset', 'x', "
                "now() + interval '1 day')"), {"a": a.tenant_id, "u": a.owner_user_id})

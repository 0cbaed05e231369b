"""Identity through the REST API: tenants, API keys, scopes, logins and sessions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import text

from gateway.config import GatewaySettings
from gateway.identity.api_keys import ApiKeyExpired
from gateway.identity.passwords import needs_rehash
from gateway.identity.service import IdentityService, TenantCreated
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.errors import Conflict, InvalidArgument
from tests.gateway import bearer, client_for, gateway_settings, identity_app

PASSWORD = "correct horse battery"


@dataclass
class Tenant:
    created: TenantCreated
    email: str


@pytest.fixture
def gw_settings(settings: KernelSettings) -> GatewaySettings:
    return gateway_settings(settings)


@pytest.fixture
def identity(db: Database, gw_settings: GatewaySettings) -> IdentityService:
    return IdentityService(db, gw_settings)


@pytest.fixture
def app(db: Database, gw_settings: GatewaySettings) -> FastAPI:
    return identity_app(db, gw_settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as http:
        yield http


async def new_tenant(identity: IdentityService, name: str) -> Tenant:
    email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
    created = await identity.create_tenant(name, email, PASSWORD, owner_name="Owner")
    return Tenant(created, email)


@pytest.fixture
async def acme(identity: IdentityService) -> Tenant:
    return await new_tenant(identity, "Acme")


@pytest.fixture
async def globex(identity: IdentityService) -> Tenant:
    return await new_tenant(identity, "Globex")


async def make_key(client: httpx.AsyncClient, admin_key: str, *scopes: str) -> str:
    response = await client.post("/v1/api-keys", headers=bearer(admin_key),
                                 json={"name": "-".join(scopes), "scopes": list(scopes)})
    assert response.status_code == 201, response.text
    return str(response.json()["key"])


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    return body


# --- tenants -------------------------------------------------------------------------------


async def test_new_tenant_gets_an_owner_and_a_working_admin_key(
        client: httpx.AsyncClient, acme: Tenant, globex: Tenant) -> None:
    key = acme.created.api_key
    assert key.startswith("sb_") and key not in repr(acme.created)
    me = await client.get("/v1/auth/me", headers=bearer(key))
    assert me.status_code == 200, me.text
    assert me.json() == {
        "tenant_id": str(acme.created.tenant_id), "user_id": None, "kind": "api_key",
        "role": None, "scopes": ["admin", "read", "write"], "expires_at": None,
        "csrf_token": None}
    listed = (await client.get("/v1/api-keys", headers=bearer(key))).json()["items"]
    assert [(k["id"], k["name"], k["created_by"]) for k in listed] == [
        (str(acme.created.api_key_id), "default", str(acme.created.owner_user_id))]


async def test_an_email_belongs_to_one_tenant(identity: IdentityService, acme: Tenant) -> None:
    with pytest.raises(Conflict):
        await identity.create_tenant("Copycat", acme.email.upper(), PASSWORD)


async def test_racing_creations_with_one_email_make_one_tenant(
        identity: IdentityService) -> None:
    email = f"race-{uuid.uuid4().hex[:10]}@example.com"
    results = await asyncio.gather(
        identity.create_tenant("One", email, PASSWORD),
        identity.create_tenant("Two", email.upper(), PASSWORD), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "TenantCreated"]


@pytest.mark.parametrize(("email", "password"), [
    ("not-an-email", PASSWORD), ("a b@example.com", PASSWORD), ("x@example.com", "short")])
async def test_tenant_creation_validates_input(
        identity: IdentityService, email: str, password: str) -> None:
    with pytest.raises(InvalidArgument):
        await identity.create_tenant("Bad", email, password)


# --- API keys ------------------------------------------------------------------------------


async def test_wrong_malformed_or_missing_api_keys_are_401(
        client: httpx.AsyncClient, acme: Tenant) -> None:
    key = acme.created.api_key
    key_id = key.split("_")[1]
    wrong_secret = f"sb_{key_id}_{'A' * 43}"
    for headers in (bearer(wrong_secret), bearer("sb_nope"), bearer("not-a-key"),
                    bearer(f"sb_{'0' * 12}_{'A' * 43}"), {"Authorization": f"Basic {key}"}, {}):
        response = await client.get("/v1/auth/me", headers=headers)
        body = assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        assert key not in str(body)
    # A good key that was cached still rejects a wrong secret.
    assert (await client.get("/v1/auth/me", headers=bearer(key))).status_code == 200
    assert_problem(await client.get("/v1/auth/me", headers=bearer(wrong_secret)), 401)


async def test_revocation_is_effective_at_once(
        client: httpx.AsyncClient, db: Database, gw_settings: GatewaySettings,
        acme: Tenant) -> None:
    admin = acme.created.api_key
    victim = await make_key(client, admin, "read")
    assert (await client.get("/v1/auth/me", headers=bearer(victim))).status_code == 200
    victim_id = (await client.get("/v1/api-keys", headers=bearer(admin))).json()["items"][0]["id"]
    response = await client.delete(f"/v1/api-keys/{victim_id}", headers=bearer(admin))
    assert response.status_code == 204
    assert_problem(await client.get("/v1/auth/me", headers=bearer(victim)), 401)
    # Another replica (no cache) sees it in the database too; revoking twice is fine.
    assert await IdentityService(db, gw_settings).authenticate_api_key(victim) is None
    again = await client.delete(f"/v1/api-keys/{victim_id}", headers=bearer(admin))
    assert again.status_code == 204
    listed = (await client.get("/v1/api-keys", headers=bearer(admin))).json()["items"]
    assert next(k for k in listed if k["id"] == victim_id)["revoked_at"] is not None


async def test_scopes_are_enforced(client: httpx.AsyncClient, acme: Tenant) -> None:
    admin = acme.created.api_key
    reader = await make_key(client, admin, "read")
    writer = await make_key(client, admin, "write")
    me = (await client.get("/v1/auth/me", headers=bearer(writer))).json()
    assert me["scopes"] == ["read", "write"]
    body = assert_problem(await client.post(
        "/v1/api-keys", headers=bearer(reader), json={"name": "x", "scopes": ["admin"]}), 403)
    assert "'admin'" in str(body["detail"])
    assert_problem(await client.get("/v1/api-keys", headers=bearer(writer)), 403)
    assert_problem(await client.delete(f"/v1/api-keys/{acme.created.api_key_id}",
                                       headers=bearer(writer)), 403)


@pytest.mark.parametrize("scopes", [["root"], [], ["read", "sudo"], ["conversations:admin"],
                                    ["users:read"], ["x" * 65]])
async def test_unknown_or_no_scopes_are_422(
        client: httpx.AsyncClient, acme: Tenant, scopes: list[str]) -> None:
    response = await client.post("/v1/api-keys", headers=bearer(acme.created.api_key),
                                 json={"name": "bad", "scopes": scopes})
    body = assert_problem(response, 422)
    if scopes and len(scopes[-1]) <= 64:  # the service's verdict: it lists what is valid
        assert "conversations, channels, agent, knowledge, analytics, webhooks" in str(
            body["detail"])


async def test_a_key_is_shown_once_and_lists_hold_no_secret(
        client: httpx.AsyncClient, acme: Tenant) -> None:
    admin = acme.created.api_key
    response = await client.post("/v1/api-keys", headers=bearer(admin),
                                 json={"name": "crm", "scopes": ["write", "read", "write"]})
    assert response.status_code == 201
    created = response.json()
    assert created["scopes"] == ["read", "write"]
    key = created["key"]
    secret = key.split("_", 2)[2]
    assert created["prefix"] == "sb_" + key.split("_")[1]
    assert key.startswith(created["prefix"] + "_")
    listing = await client.get("/v1/api-keys", headers=bearer(admin))
    assert secret not in listing.text and admin.split("_", 2)[2] not in listing.text
    for item in listing.json()["items"]:
        assert set(item) == {"id", "name", "prefix", "scopes", "created_at", "created_by",
                             "last_used_at", "revoked_at", "expires_at", "expired"}
    assert (await client.get("/v1/auth/me", headers=bearer(key))).status_code == 200


async def test_last_use_is_recorded(client: httpx.AsyncClient, acme: Tenant) -> None:
    admin = acme.created.api_key
    for _ in range(3):
        await client.get("/v1/auth/me", headers=bearer(admin))
    listed = (await client.get("/v1/api-keys", headers=bearer(admin))).json()["items"]
    assert listed[0]["last_used_at"] is not None


async def test_an_expiring_key_works_until_its_expiry(
        app: FastAPI, client: httpx.AsyncClient, db: Database, gw_settings: GatewaySettings,
        acme: Tenant) -> None:
    admin, identity = acme.created.api_key, app.state.gateway.identity
    expires_at = datetime.now(UTC) + timedelta(hours=1)
    created = await client.post("/v1/api-keys", headers=bearer(admin), json={
        "name": "month", "scopes": ["read"], "expires_at": expires_at.isoformat()})
    assert created.status_code == 201, created.text
    assert datetime.fromisoformat(created.json()["expires_at"]) == expires_at
    key = created.json()["key"]
    me = await client.get("/v1/auth/me", headers=bearer(key))
    assert me.status_code == 200 and datetime.fromisoformat(me.json()["expires_at"]) == expires_at
    listed = (await client.get("/v1/api-keys", headers=bearer(admin))).json()["items"]
    item = next(k for k in listed if k["id"] == created.json()["id"])
    assert item["expired"] is False and item["last_used_at"] is not None
    assert datetime.fromisoformat(item["expires_at"]) == expires_at

    identity.clock = lambda: expires_at  # the moment it expires: cached, yet refused at once
    refused = await client.get("/v1/auth/me", headers=bearer(key))
    body = assert_problem(refused, 401)
    assert body["type"] == "/problems/api-key-expired"
    assert body["detail"] == (f"this API key expired at {expires_at.isoformat()}; "
                              "create a new one")
    assert refused.headers["www-authenticate"] == "Bearer"
    # A wrong secret is still just wrong: expiry is told only to whoever holds the key.
    wrong = f"{key[:-4]}AAAA" if not key.endswith("AAAA") else f"{key[:-4]}BBBB"
    assert assert_problem(await client.get("/v1/auth/me", headers=bearer(wrong)), 401)[
        "type"] == "about:blank"
    # Another replica, from the database.
    with pytest.raises(ApiKeyExpired):
        await IdentityService(db, gw_settings, clock=lambda: expires_at).authenticate_api_key(key)
    listed = (await client.get("/v1/api-keys", headers=bearer(admin))).json()["items"]
    assert next(k for k in listed if k["id"] == created.json()["id"])["expired"] is True
    identity.clock = lambda: expires_at - timedelta(seconds=1)
    assert (await client.get("/v1/auth/me", headers=bearer(key))).status_code == 200


@pytest.mark.parametrize(("expires_in", "says"), [
    (timedelta(seconds=-1), "in the future"), (timedelta(days=731), "at most 730 days"),
    (None, "time zone")])
async def test_a_bad_expiry_is_422(client: httpx.AsyncClient, acme: Tenant,
                                   expires_in: timedelta | None, says: str) -> None:
    when = (datetime.now(UTC) + expires_in).isoformat() if expires_in else "2027-01-31T00:00:00"
    response = await client.post("/v1/api-keys", headers=bearer(acme.created.api_key),
                                 json={"name": "bad", "scopes": ["read"], "expires_at": when})
    assert says in str(assert_problem(response, 422)["detail"])


async def test_revoking_an_unknown_key_is_404(client: httpx.AsyncClient, acme: Tenant) -> None:
    headers = bearer(acme.created.api_key)
    assert_problem(await client.delete(f"/v1/api-keys/{uuid.uuid4()}", headers=headers), 404)
    assert_problem(await client.delete("/v1/api-keys/not-a-uuid", headers=headers), 422)


# --- logins and sessions -------------------------------------------------------------------


async def test_login_sets_a_session_cookie_that_authenticates(
        client: httpx.AsyncClient, acme: Tenant) -> None:
    response = await client.post("/v1/auth/login",
                                 json={"email": acme.email.upper(), "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["tenant_id"] == str(acme.created.tenant_id)
    assert response.json()["user_id"] == str(acme.created.owner_user_id)
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("sb_session=") and "httponly" in cookie
    assert "samesite=lax" in cookie and "path=/" in cookie and "secure" not in cookie
    me = await client.get("/v1/auth/me")
    assert me.status_code == 200, me.text
    assert me.json()["kind"] == "session" and me.json()["role"] == "owner"
    assert me.json()["scopes"] == ["admin", "read", "write"]
    assert (await client.get("/v1/api-keys")).status_code == 200


async def test_wrong_credentials_get_the_same_401(
        client: httpx.AsyncClient, acme: Tenant) -> None:
    wrong_password = await client.post("/v1/auth/login",
                                       json={"email": acme.email, "password": "wrong-password"})
    unknown_user = await client.post("/v1/auth/login",
                                     json={"email": "nobody@example.com", "password": PASSWORD})
    first, second = assert_problem(wrong_password, 401), assert_problem(unknown_user, 401)
    assert first["detail"] == second["detail"] == "wrong e-mail or password"
    assert "set-cookie" not in wrong_password.headers


async def test_logout_ends_the_session(
        client: httpx.AsyncClient, db: Database, gw_settings: GatewaySettings,
        acme: Tenant) -> None:
    await client.post("/v1/auth/login", json={"email": acme.email, "password": PASSWORD})
    token = client.cookies["sb_session"]
    assert (await client.get("/v1/auth/me")).status_code == 200
    response = await client.post("/v1/auth/logout")
    assert response.status_code == 204
    assert 'sb_session=""' in response.headers["set-cookie"] or "max-age=0" in \
        response.headers["set-cookie"].lower()
    # The browser dropped the cookie; a stolen copy is dead too, on every replica.
    assert_problem(await client.get("/v1/auth/me"), 401)
    assert_problem(await client.get("/v1/auth/me", cookies={"sb_session": token}), 401)
    assert await IdentityService(db, gw_settings).authenticate_session(token) is None


async def test_a_session_is_found_from_the_database(
        db: Database, gw_settings: GatewaySettings, identity: IdentityService,
        acme: Tenant) -> None:
    token, principal = await identity.login(acme.email, PASSWORD)
    other_replica = IdentityService(db, gw_settings)
    assert await other_replica.authenticate_session(token) == principal
    assert await other_replica.authenticate_session(token + "x") is None


async def test_a_bad_header_is_not_rescued_by_a_cookie(
        client: httpx.AsyncClient, acme: Tenant) -> None:
    await client.post("/v1/auth/login", json={"email": acme.email, "password": PASSWORD})
    assert_problem(await client.get("/v1/auth/me", headers=bearer("sb_garbage")), 401)


async def test_secure_cookie_when_configured(
        db: Database, gw_settings: GatewaySettings, acme: Tenant) -> None:
    secure = gw_settings.model_copy(update={"cookie_secure": True})
    async with client_for(identity_app(db, secure)) as http:
        response = await http.post("/v1/auth/login",
                                    json={"email": acme.email, "password": PASSWORD})
    assert "secure" in response.headers["set-cookie"].lower()


async def test_login_upgrades_a_weak_password_hash(
        db: Database, identity: IdentityService, acme: Tenant) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024).hash(PASSWORD)
    tenant_id, user_id = acme.created.tenant_id, acme.created.owner_user_id
    update = text("UPDATE identity.users SET password_hash = :h WHERE id = :id")
    async with db.unit_of_work(tenant_id) as session:
        await session.execute(update, {"h": weak, "id": user_id})
    await identity.login(acme.email, PASSWORD)
    async with db.unit_of_work(tenant_id) as session:
        stored = await session.scalar(
            text("SELECT password_hash FROM identity.users WHERE id = :id"), {"id": user_id})
    assert stored != weak and not needs_rehash(stored)
    await identity.login(acme.email, PASSWORD)

"""Team management through the REST API (in-process, real PostgreSQL): invitations, roles,
disabling, password resets and changes (the platform run: tests/e2e/test_team.py)."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.graphql.router import graphql_router
from gateway.identity.service import IdentityService, TenantCreated
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.fixtures.sessions import browser_login
from tests.gateway import bearer, client_for, gateway_settings, identity_app

PASSWORD = "correct horse battery"
NEW_PASSWORD = "another horse battery"


@pytest.fixture
def app(db: Database, settings: KernelSettings) -> FastAPI:
    gw_settings = gateway_settings(settings, public_base_url="https://inbox.test")
    app = identity_app(db, gw_settings)
    app.include_router(graphql_router(gw_settings), prefix="/graphql")
    return app


@pytest.fixture
async def owner(app: FastAPI) -> AsyncIterator[tuple[TenantCreated, httpx.AsyncClient]]:
    identity: IdentityService = app.state.gateway.identity
    email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
    created = await identity.create_tenant("Acme", email, PASSWORD, owner_name="Owner")
    async with client_for(app) as client:
        await browser_login(client, email, PASSWORD)
        yield created, client


def email() -> str:
    return f"m-{uuid.uuid4().hex[:10]}@example.com"


def token(url: str, path: str) -> str:
    assert url.startswith(f"https://inbox.test/{path}/"), url
    return url.rsplit("/", 1)[1]


def problem(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return str(response.json()["detail"])


async def invite(client: httpx.AsyncClient, role: str = "agent",
                 address: str | None = None) -> dict[str, Any]:
    response = await client.post("/v1/users", json={"email": address or email(), "role": role,
                                                    "name": "Мария"})
    assert response.status_code == 201, response.text
    return dict(response.json())


@contextlib.asynccontextmanager
async def join(app: FastAPI, role: str, owner_client: httpx.AsyncClient
               ) -> AsyncIterator[tuple[dict[str, Any], httpx.AsyncClient]]:
    """Invited by the owner, accepted: the new user and their signed-in client."""
    invited = await invite(owner_client, role)
    async with client_for(app) as client:
        accepted = await client.post("/v1/auth/accept-invite", json={
            "token": token(invited["invite_url"], "invite"), "password": PASSWORD})
        assert accepted.status_code == 200, accepted.text
        client.headers["X-CSRF-Token"] = accepted.json()["csrf_token"]
        yield invited["user"], client


async def test_invite_accept_and_sign_in(
        app: FastAPI, owner: tuple[TenantCreated, httpx.AsyncClient]) -> None:
    _, client = owner
    address = email()
    invited = await invite(client, address=address)
    user = invited["user"]
    assert (user["role"], user["status"], user["active"], user["last_login_at"]) == (
        "agent", "invited", False, None)
    problem(await client.post("/v1/users", json={"email": address.upper(), "role": "agent"}),
            409)
    async with client_for(app) as anon:  # an invited user cannot log in yet
        problem(await anon.post("/v1/auth/login", json={"email": address, "password": ""}), 422)
        problem(await anon.post("/v1/auth/login", json={"email": address,
                                                        "password": PASSWORD}), 401)
        secret = token(invited["invite_url"], "invite")
        for bad in (secret[:-1] + "x", "garbage", uuid.uuid4().hex + ".x"):
            assert "ask for a new one" in problem(await anon.post(
                "/v1/auth/accept-invite", json={"token": bad, "password": PASSWORD}), 422)
        for bad_password in ("short", "\ud800" * 8, "\x00" * 8):  # as escapes in the JSON
            body = json.dumps({"token": secret, "password": bad_password})
            problem(await anon.post("/v1/auth/accept-invite", content=body,
                                    headers={"Content-Type": "application/json"}), 422)
        accepted = await anon.post("/v1/auth/accept-invite", json={
            "token": secret, "password": PASSWORD, "name": "Мария Иванова"})
        assert accepted.status_code == 200, accepted.text
        assert anon.cookies["sb_csrf"] == accepted.json()["csrf_token"]
        me = (await anon.get("/v1/auth/me")).json()
        assert (me["role"], me["user_id"]) == ("agent", user["id"])
        again = await anon.post("/v1/auth/accept-invite", json={"token": secret,
                                                                "password": PASSWORD})
        problem(again, 422)  # once
    listed = {u["id"]: u for u in (await client.get("/v1/users")).json()["items"]}
    joined = listed[user["id"]]
    assert (joined["status"], joined["name"]) == ("active", "Мария Иванова")
    assert joined["last_login_at"] is not None


async def test_an_agent_lists_but_does_not_manage(
        app: FastAPI, owner: tuple[TenantCreated, httpx.AsyncClient]) -> None:
    created, owner_client = owner
    async with join(app, "agent", owner_client) as (agent, client):
        listed = (await client.get("/v1/users", params={"active": "true"})).json()["items"]
        assert {u["id"] for u in listed} == {str(created.owner_user_id), agent["id"]}
        problem(await client.post("/v1/users", json={"email": email(), "role": "agent"}), 403)
        problem(await client.patch(f"/v1/users/{agent['id']}", json={"name": "x"}), 403)
        problem(await client.post(f"/v1/users/{created.owner_user_id}/password-reset"), 403)


async def test_an_admin_invites_and_manages_agents_only(
        app: FastAPI, owner: tuple[TenantCreated, httpx.AsyncClient]) -> None:
    created, owner_client = owner
    async with join(app, "admin", owner_client) as (_, admin):
        assert "agent" in problem(
            await admin.post("/v1/users", json={"email": email(), "role": "admin"}), 403)
        agent = (await invite(admin))["user"]
        problem(await admin.patch(f"/v1/users/{agent['id']}", json={"role": "admin"}), 403)
        disabled = await admin.patch(f"/v1/users/{agent['id']}", json={"active": False})
        assert disabled.json()["status"] == "disabled", disabled.text
        owner_id = created.owner_user_id
        problem(await admin.patch(f"/v1/users/{owner_id}", json={"active": False}), 403)
        problem(await admin.patch(f"/v1/users/{uuid.uuid4()}", json={"active": False}), 404)


async def test_disabling_ends_the_sessions_at_once(
        app: FastAPI, owner: tuple[TenantCreated, httpx.AsyncClient]) -> None:
    _, owner_client = owner
    async with join(app, "agent", owner_client) as (agent, client):
        assert (await client.get("/v1/auth/me")).status_code == 200
        await owner_client.patch(f"/v1/users/{agent['id']}", json={"active": False})
        problem(await client.get("/v1/auth/me"), 401)
        row = next(u for u in (await owner_client.get("/v1/users")).json()["items"]
                   if u["id"] == agent["id"])
        assert (row["status"], row["active"]) == ("disabled", False)
        problem(await owner_client.post(f"/v1/users/{agent['id']}/password-reset"), 409)
        enabled = await owner_client.patch(f"/v1/users/{agent['id']}", json={"active": True})
        assert enabled.json()["status"] == "active"


async def test_the_last_owner_and_oneself_are_protected(
        app: FastAPI, owner: tuple[TenantCreated, httpx.AsyncClient]) -> None:
    created, client = owner
    me = created.owner_user_id
    assert "yourself" in problem(await client.patch(f"/v1/users/{me}", json={"active": False}),
                                 403)
    # Through an admin key (no person): the last owner is still protected.
    key = bearer(created.api_key)
    problem(await client.patch(f"/v1/users/{me}", json={"active": False}, headers=key), 403)
    async with join(app, "admin", client) as (admin, _):
        pass
    promoted = await client.patch(f"/v1/users/{admin['id']}", json={"role": "owner"})
    assert promoted.json()["role"] == "owner", promoted.text


async def test_reset_and_change_passwords(
        app: FastAPI, owner: tuple[TenantCreated, httpx.AsyncClient]) -> None:
    _, owner_client = owner
    async with join(app, "agent", owner_client) as (agent, _):
        pass
    link = (await owner_client.post(f"/v1/users/{agent['id']}/password-reset")).json()
    assert link["purpose"] == "reset"
    async with client_for(app) as anon:
        reset = await anon.post("/v1/auth/reset-password", json={
            "token": token(link["url"], "reset-password"), "password": NEW_PASSWORD})
        assert reset.status_code == 204, reset.text
        problem(await anon.post("/v1/auth/login", json={"email": agent["email"],
                                                        "password": PASSWORD}), 401)
        await browser_login(anon, agent["email"], NEW_PASSWORD)
        problem(await anon.post("/v1/auth/password",
                                json={"current": PASSWORD, "new": PASSWORD}), 422)
        changed = await anon.post("/v1/auth/password",
                                  json={"current": NEW_PASSWORD, "new": PASSWORD})
        assert changed.status_code == 204, changed.text
        assert (await anon.get("/v1/auth/me")).status_code == 200  # this session stays
        await browser_login(anon, agent["email"], PASSWORD)


async def test_a_new_invitation_for_who_lost_theirs(
        app: FastAPI, owner: tuple[TenantCreated, httpx.AsyncClient]) -> None:
    _, client = owner
    invited = await invite(client)
    again = (await client.post(f"/v1/users/{invited['user']['id']}/password-reset")).json()
    assert again["purpose"] == "invite"
    async with client_for(app) as anon:
        problem(await anon.post("/v1/auth/accept-invite", json={
            "token": token(invited["invite_url"], "invite"), "password": PASSWORD}), 422)
        accepted = await anon.post("/v1/auth/accept-invite", json={
            "token": token(again["url"], "invite"), "password": PASSWORD})
        assert accepted.status_code == 200, accepted.text


INVITE = """mutation($email: String!, $role: String!) {
  inviteUser(email: $email, role: $role) { inviteUrl user { id status role } } }"""
UPDATE = """mutation($id: ID!, $active: Boolean, $role: String) {
  updateUser(id: $id, input: {active: $active, role: $role}) { id status role active } }"""
RESET = "mutation($id: ID!) { resetUserPassword(id: $id) { purpose url } }"
USERS = "query($activeOnly: Boolean!) { users(activeOnly: $activeOnly) { id status lastLoginAt } }"


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_graphql_parity(app: FastAPI, owner: tuple[TenantCreated, httpx.AsyncClient]
                              ) -> None:
    created, client = owner
    invited = (await gql(client, INVITE, email=email(), role="agent"))["data"]["inviteUser"]
    user_id = invited["user"]["id"]
    assert invited["user"]["status"] == "invited" and "/invite/" in invited["inviteUrl"]
    every = (await gql(client, USERS, activeOnly=False))["data"]["users"]
    active = (await gql(client, USERS, activeOnly=True))["data"]["users"]
    assert user_id in {u["id"] for u in every} and user_id not in {u["id"] for u in active}
    link = (await gql(client, RESET, id=user_id))["data"]["resetUserPassword"]
    assert link["purpose"] == "invite"
    disabled = (await gql(client, UPDATE, id=user_id, active=False))["data"]["updateUser"]
    assert (disabled["status"], disabled["active"]) == ("disabled", False)
    [error] = (await gql(client, UPDATE, id=str(created.owner_user_id), role="admin"))["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN" and "yourself" in error["message"]
    async with join(app, "agent", client) as (_, agent):
        [error] = (await gql(agent, INVITE, email=email(), role="agent"))["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN"

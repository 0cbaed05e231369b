"""What the Telegram link tests share (issue #12): a gateway with identity's REST and the
GraphQL schema on the real database, tenants with people of every role, and their sessions."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from gateway.config import GatewaySettings
from gateway.graphql.router import graphql_router
from gateway.identity.passwords import hash_password
from gateway.identity.repository import IdentityRepository
from gateway.identity.service import IdentityService
from gateway.identity.telegram_links import TelegramLinks
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.fixtures.sessions import browser_login
from tests.gateway import bearer, client_for, gateway_settings, identity_app

PASSWORD = "telegram-link-password"


@dataclass
class Person:
    user_id: uuid.UUID
    email: str
    session: httpx.AsyncClient  # logged in: carries the session cookie


@dataclass
class Shop:
    tenant_id: uuid.UUID
    api_key: str  # admin, as the bot runner's
    owner: Person
    agent: Person  # role "agent": a manager without the admin scope

    @property
    def admin(self) -> dict[str, str]:
        return bearer(self.api_key)


class LinkWorld:
    """The app, its identity service (to move the codes' clock), and a way to make shops."""

    def __init__(self, db: Database, settings: GatewaySettings) -> None:
        self.db, self.settings = db, settings
        self.app: FastAPI = identity_app(db, settings)
        self.app.include_router(graphql_router(settings), prefix="/graphql")
        self.http = client_for(self.app)
        self._clients: list[httpx.AsyncClient] = [self.http]

    @property
    def links(self) -> TelegramLinks:
        identity: IdentityService = self.app.state.gateway.identity
        return identity.telegram_links

    async def shop(self, name: str) -> Shop:
        identity: IdentityService = self.app.state.gateway.identity
        owner_email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
        created = await identity.create_tenant(name, owner_email, PASSWORD, owner_name="Owner")
        owner = Person(created.owner_user_id, owner_email, await self.login(owner_email))
        agent = await self.person(created.tenant_id, "agent", "Мария")
        return Shop(created.tenant_id, created.api_key, owner, agent)

    async def person(self, tenant_id: uuid.UUID, role: str, name: str) -> Person:
        email = f"{role}-{uuid.uuid4().hex[:10]}@example.com"
        password_hash = await hash_password(PASSWORD)
        async with self.db.unit_of_work(tenant_id) as session:
            user = await IdentityRepository(session).add_user(tenant_id, email, name,
                                                              password_hash, role)
        return Person(user.id, email, await self.login(email))

    async def login(self, email: str) -> httpx.AsyncClient:
        client = client_for(self.app)
        self._clients.append(client)
        await browser_login(client, email, PASSWORD)
        return client

    async def disable(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        async with self.db.unit_of_work(tenant_id) as session:
            await session.execute(text("UPDATE identity.users SET disabled_at = now() "
                                       "WHERE id = :u"), {"u": user_id})

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


@contextlib.asynccontextmanager
async def link_world(db: Database, settings: KernelSettings) -> AsyncIterator[LinkWorld]:
    """For a module's `world` fixture (each module has its own: fixtures imported from here
    would shadow its arguments)."""
    world = LinkWorld(db, gateway_settings(settings))
    try:
        yield world
    finally:
        await world.close()


async def new_code(http: httpx.AsyncClient, headers: dict[str, str] | None = None,
                   **body: Any) -> dict[str, Any]:
    resp = await http.post("/v1/telegram/link-codes", json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


async def redeem(world: LinkWorld, shop: Shop, code: str, telegram_user_id: int,
                 username: str | None = None) -> httpx.Response:
    return await world.http.post("/v1/telegram/links", headers=shop.admin, json={
        "code": code, "telegram_user_id": telegram_user_id, "telegram_username": username})


def problem(resp: httpx.Response, status: int) -> str:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    return str(resp.json()["detail"])

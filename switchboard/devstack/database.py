"""Create the platform database and run migrations on a server we administer."""

from __future__ import annotations

import asyncio

import asyncpg

from migrations.rls import APP_ROLE
from switchboard import migrate


async def ensure_database(admin_url: str, name: str) -> None:
    """CREATE DATABASE unless it exists (admin_url points at the maintenance database)."""
    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def migrate_database(owner_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, owner_url)


def runtime_url(owner_url: str) -> str:
    """The same database reached as the runtime role (trust auth on the embedded server)."""
    scheme, rest = owner_url.split("://", 1)
    host_part = rest.split("@", 1)[-1]
    return f"{scheme}://{APP_ROLE}@{host_part}"

"""The one Alembic history upgrades from nothing, downgrades to nothing, and upgrades again."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from switchboard import migrate
from switchboard.devstack.database import ensure_database
from switchboard.devstack.postgres import EmbeddedPostgres

SCHEMAS = ["agent", "channels", "conversations", "identity", "telegram_bot"]


async def _schemas(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[]) "
                                "ORDER BY nspname", SCHEMAS)
        return [r[0] for r in rows]
    finally:
        await conn.close()


async def test_upgrade_downgrade_upgrade(postgres: EmbeddedPostgres) -> None:
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    await ensure_database(postgres.url(), name)
    url = postgres.url(name)
    await asyncio.to_thread(migrate.upgrade, url)
    assert await _schemas(url) == SCHEMAS
    await asyncio.to_thread(migrate.downgrade, url, "base")
    assert await _schemas(url) == []
    await asyncio.to_thread(migrate.upgrade, url)
    assert await _schemas(url) == SCHEMAS
    # Step by step too: every revision's downgrade undoes exactly its upgrade.
    for revision in ("0007", "0006", "0005", "0004", "0003", "0002", "0001", "base"):
        await asyncio.to_thread(migrate.downgrade, url, revision)
    await asyncio.to_thread(migrate.upgrade, url)
    assert await _schemas(url) == SCHEMAS

"""On a managed PostgreSQL the migrations run as an owner with CREATEROLE, not as a superuser
(docs/operations.md): the history still upgrades, downgrades and upgrades again, the definer
functions end up owned by the system role, and neither the runtime role nor the owner keeps a
way to become it. A server of its own: roles are cluster-wide, and the owner must be the one
that creates them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from migrations.rls import APP_ROLE, SYSTEM_ROLE
from switchboard import migrate
from switchboard.devstack.postgres import EmbeddedPostgres

OWNER = "switchboard_owner"


async def _memberships(conn: asyncpg.Connection) -> list[tuple[str, str]]:
    """Who may become or inherit our roles."""
    rows = await conn.fetch("""
        SELECT m.roleid::regrole::text, m.member::regrole::text FROM pg_auth_members m
        WHERE m.roleid::regrole::text = ANY($1::text[]) AND (m.set_option OR m.inherit_option)
        ORDER BY 1, 2""", [APP_ROLE, SYSTEM_ROLE])
    return [(r[0], r[1]) for r in rows]


async def test_a_createrole_owner_migrates_and_keeps_no_way_into_the_system_role(
        tmp_path: Path) -> None:
    with EmbeddedPostgres(tmp_path / "pg", fast=True) as pg:
        admin = await asyncpg.connect(pg.url())
        try:
            await admin.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE")
            await admin.execute(f"CREATE DATABASE switchboard OWNER {OWNER}")
        finally:
            await admin.close()
        conn = await asyncpg.connect(pg.url("switchboard"))
        try:
            # A managed server's operator makes pgvector available; the owner cannot.
            await conn.execute("CREATE EXTENSION vector")
            owner_url = pg.url("switchboard", user=OWNER)
            await asyncio.to_thread(migrate.upgrade, owner_url)
            await asyncio.to_thread(migrate.downgrade, owner_url, "0010")
            assert await _memberships(conn) == [(SYSTEM_ROLE, APP_ROLE)]  # as before 0011
            await asyncio.to_thread(migrate.downgrade, owner_url, "base")
            await asyncio.to_thread(migrate.upgrade, owner_url)
            owners = await conn.fetch("SELECT DISTINCT proowner::regrole::text FROM pg_proc "
                                      "WHERE prosecdef")
            assert [r[0] for r in owners] == [SYSTEM_ROLE]
            assert await _memberships(conn) == []
        finally:
            await conn.close()

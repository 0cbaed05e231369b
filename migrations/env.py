"""Alembic environment: one history for the whole database, run as the schema owner."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from services.kernel.config import async_database_url

config = context.config


def _url() -> str:
    url = config.attributes.get("url") or os.environ.get("SWITCHBOARD_MIGRATION_DATABASE_URL")
    if not url:
        raise SystemExit("set SWITCHBOARD_MIGRATION_DATABASE_URL (the owner's connection URL)")
    return async_database_url(url)


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=None,
                      version_table_schema="public", transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())

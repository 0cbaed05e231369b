"""Async engine and units of work that bind the tenant on every transaction.

`set_config(name, value, true)` is the bindable form of SET LOCAL: it ends with the transaction,
so a pooled connection never carries one tenant's id into the next unit of work. An unbound
tenant becomes '' and the RLS policies compare against NULL: nothing is readable or writable.

The runtime role can become no other role. What plumbing needs across tenants (credential
lookups, webhook resolution, outbox relays, schedulers' claims) it gets from narrow SECURITY
DEFINER functions, called by repositories in a transaction bound to no tenant
(`unscoped_unit_of_work`; `Units.tenantless()`); see docs/tenancy.md.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction

from services.kernel.config import async_database_url
from services.kernel.tenancy import require_tenant

_BIND_TENANT = text("SELECT set_config('app.tenant_id', :tenant, true)")


class TenantSession(Session):
    """Sync session class under AsyncSession; `info` says whom each transaction runs for."""


@event.listens_for(TenantSession, "after_begin")
def _bind_scope(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    tenant = session.info.get("tenant_id")
    connection.execute(_BIND_TENANT, {"tenant": str(tenant) if tenant else ""})


@event.listens_for(TenantSession, "after_commit")
def _run_commit_hooks(session: Session) -> None:
    for callback in session.info.pop("after_commit", []):
        callback()


@event.listens_for(TenantSession, "after_rollback")
def _drop_commit_hooks(session: Session) -> None:
    session.info.pop("after_commit", None)


def on_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction has committed (never on rollback)."""
    session.sync_session.info.setdefault("after_commit", []).append(callback)


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.engine: AsyncEngine = create_async_engine(
            async_database_url(url), pool_size=pool_size, max_overflow=pool_size,
            pool_pre_ping=True, echo=echo,
            # Short OLTP statements: PostgreSQL's JIT would compile (tens of ms) whenever a
            # generic plan's estimate crosses jit_above_cost, which is most of a query's time.
            connect_args={"server_settings": {"jit": "off"}})
        self._sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=TenantSession)

    @contextlib.asynccontextmanager
    async def unit_of_work(self, tenant_id: uuid.UUID | None = None) -> AsyncIterator[AsyncSession]:
        """One transaction for the current tenant (or the one given), committed on success."""
        tenant = tenant_id if tenant_id is not None else require_tenant()
        async with self._sessions(info={"tenant_id": tenant}) as session, session.begin():
            yield session

    @contextlib.asynccontextmanager
    async def unscoped_unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A transaction bound to no tenant: RLS shows it nothing. Only the cross-tenant
        definer functions answer in it, each with its one narrow result."""
        async with self._sessions(info={}) as session, session.begin():
            yield session

    async def ping(self) -> bool:
        async with self.engine.connect() as conn:
            return bool((await conn.execute(text("SELECT 1"))).scalar())

    async def dispose(self) -> None:
        await self.engine.dispose()


def rows_as_dicts(rows: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in rows]

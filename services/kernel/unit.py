"""The unit of work: one transaction, the service's repositories on it, and `emit`.

Every service has one `Unit` subclass (in its repository.py) that adds its repositories, and a
`Units` that opens them. Servicers and consumers open a unit per RPC or consumed message
(`async with self.units() as unit`) and hand it to the service; a workflow that must call out
between transactions (a channel's API, the LLM, another service) gets the `Units` and opens its
own, short ones. Nothing below the servicer/consumer holds a `Database`, and nothing commits
but the kernel: the unit commits when its block ends without an error, else rolls back.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Generic, TypeVar

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from services.kernel.db import Database, on_commit
from services.kernel.errors import Unauthenticated
from services.kernel.outbox import Outbox
from services.kernel.repository import Cursors, bind_cursors, cursors_of
from services.kernel.wire import Topic


class Unit:
    """One open transaction. Subclasses set their repositories in `__init__` from `session`."""

    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        self.session = session
        self._outbox = outbox

    @property
    def tenant_id(self) -> uuid.UUID:
        """The tenant this transaction is bound to (a tenantless unit has none)."""
        tenant = self.session.info.get("tenant_id")
        if tenant is None:
            raise Unauthenticated("this unit of work is bound to no tenant")
        return tenant  # type: ignore[no-any-return]

    @property
    def cursors(self) -> Cursors:
        """The service's keyset cursors (signed): what pages its lists."""
        return cursors_of(self.session)

    def emit(self, topic: Topic, event: Message, *, event_id: uuid.UUID | None = None,
             tenant_id: uuid.UUID | None = None) -> uuid.UUID:
        """Write `event` as `topic`'s, for this unit's tenant (or the one given), to the
        outbox; the relay publishes it once this unit has committed.
        `event_id`: deterministic for a fact that may be written twice (see `Outbox.add`)."""
        if self._outbox is None:
            raise RuntimeError(f"{type(self).__name__} was opened without an outbox")
        return self._outbox.add(self.session, topic, tenant_id or self.tenant_id, event,
                                event_id=event_id)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this unit has committed (never after a rollback)."""
        on_commit(self.session, callback)

    async def flush(self) -> None:
        await self.session.flush()


U = TypeVar("U", bound=Unit)


class Units(Generic[U]):
    """Opens one service's units of work: `units()` for the tenant bound to this RPC or
    message, `units(tenant_id)` for another, `units.tenantless()` for a transaction bound to no
    tenant, where RLS shows nothing and only the repositories' cross-tenant methods answer
    (each calls one narrow SECURITY DEFINER function: docs/tenancy.md)."""

    def __init__(self, db: Database, unit: Callable[[AsyncSession, Outbox | None], U],
                 outbox: Outbox | None = None, *, cursors: Cursors | None = None) -> None:
        self._db, self._make, self.outbox = db, unit, outbox
        # The service's cursor keys, for the repositories that page (runtime.py wires them).
        self.cursors = cursors

    def _unit(self, session: AsyncSession, outbox: Outbox | None) -> U:
        if self.cursors is not None:
            bind_cursors(session, self.cursors)
        return self._make(session, outbox)

    @contextlib.asynccontextmanager
    async def __call__(self, tenant_id: uuid.UUID | None = None) -> AsyncIterator[U]:
        async with self._db.unit_of_work(tenant_id) as session:
            yield self._unit(session, self.outbox)

    @contextlib.asynccontextmanager
    async def tenantless(self) -> AsyncIterator[U]:
        async with self._db.unscoped_unit_of_work() as session:
            yield self._unit(session, self.outbox)

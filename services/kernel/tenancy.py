"""The tenant of the current unit of work, carried in a ContextVar.

The gateway derives it from the authenticated principal, sends it as gRPC metadata, the tenant
interceptor (or a consumer, from the event subject) sets it here, and the database session binds
it on every transaction. Nothing else may decide the tenant.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar

from services.kernel.errors import Unauthenticated

current_tenant: ContextVar[uuid.UUID | None] = ContextVar("current_tenant", default=None)


def parse_tenant(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Unauthenticated("missing or malformed tenant id") from exc


def require_tenant() -> uuid.UUID:
    tenant = current_tenant.get()
    if tenant is None:
        raise Unauthenticated("no tenant bound to this unit of work")
    return tenant


@contextlib.contextmanager
def tenant_scope(tenant_id: uuid.UUID | str | None) -> Iterator[None]:
    """Bind a tenant (or explicitly none) for the duration of a block."""
    value = None if tenant_id is None else uuid.UUID(str(tenant_id))
    token = current_tenant.set(value)
    try:
        yield
    finally:
        current_tenant.reset(token)

"""What every tenancy test asks of a tenant table (row-level security), said once: the owner
sees its rows; another tenant and a unit without a tenant see none of them; another tenant's
UPDATE and DELETE touch none; the owner's rows are all still there afterwards."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from services.kernel.db import Database


async def count_rows(db: Database, tenant: uuid.UUID | None, table: str,
                     owner: uuid.UUID) -> int:
    """`owner`'s rows of `table` as seen in a unit of `tenant` (None: no tenant set)."""
    unit = db.unit_of_work(tenant) if tenant else db.unscoped_unit_of_work()
    async with unit as session:
        return int(await session.scalar(
            text(f"SELECT count(*) FROM {table} WHERE tenant_id = :t"), {"t": owner}) or 0)


async def assert_isolated(db: Database, table: str, owner: uuid.UUID, other: uuid.UUID, *,
                          update: str | None = "updated_at = now()",
                          delete: bool = True) -> int:
    """The rules above for `owner`'s rows of `table` (at least one); `update` is the SET
    clause tried by `other` (None: the table is not updated that way); the owner's count."""
    seen = await count_rows(db, owner, table, owner)
    assert seen >= 1, f"{table}: the owner's rows are not there to test"
    assert await count_rows(db, other, table, owner) == 0, f"{table}: another tenant sees them"
    assert await count_rows(db, None, table, owner) == 0, f"{table}: seen without a tenant"
    async with db.unit_of_work(other) as session:
        if update is not None:
            changed = await session.execute(
                text(f"UPDATE {table} SET {update} WHERE tenant_id = :a"), {"a": owner})
            assert changed.rowcount == 0, f"{table}: another tenant updated them"
        if delete:
            gone = await session.execute(text(f"DELETE FROM {table} WHERE tenant_id = :a"),
                                         {"a": owner})
            assert gone.rowcount == 0, f"{table}: another tenant deleted them"
    assert await count_rows(db, owner, table, owner) == seen, f"{table}: rows changed"
    return seen

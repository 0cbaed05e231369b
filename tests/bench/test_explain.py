"""The inbox list queries walk their sort's index under the LIMIT: EXPLAIN of the repository's
own statement (as the runtime role, under row-level security) on a small generated data set
(20 tenants of 1,000 conversations), for every sort, the filtered lists and cursor pages the
bench sends, planned with the values (a custom plan) and as the prepared statement the runtime
reuses (a generic plan). Conversations must come from the sort's index with a Limit above the
scan and no Sort between them: a Sort there would read and sort all the tenant's rows."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import Select, literal, text
from sqlalchemy.dialects import postgresql

from services.conversations.inbox.filters import ConversationFilter, Sort
from services.conversations.inbox.queries import cursor_fields, page_statement
from services.conversations.models import Mode, Status
from services.conversations.repository import ConversationsUnit
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from services.kernel.repository import Cursors
from services.kernel.unit import Units
from switchboard.bench.dataset import ensure_dataset

INDEX = {Sort.RECENT: "ix_conversations_recent", Sort.PRICE_ASC: "ix_conversations_price",
         Sort.PRICE_DESC: "ix_conversations_price_desc"}
# name -> (filter, sort, page it asks for): what switchboard/bench/scenarios/inbox.py sends.
VARIANTS = {
    "recent": (ConversationFilter(), Sort.RECENT, 1),
    "price asc": (ConversationFilter(), Sort.PRICE_ASC, 1),
    "price desc": (ConversationFilter(), Sort.PRICE_DESC, 1),
    "status open": (ConversationFilter(status=Status.OPEN), Sort.RECENT, 1),
    "unread manager": (ConversationFilter(unread_only=True, mode=Mode.MANAGER), Sort.RECENT, 1),
    "pending by price": (ConversationFilter(status=Status.PENDING), Sort.PRICE_ASC, 1),
    "recent page 3": (ConversationFilter(), Sort.RECENT, 3),
    "price asc page 2": (ConversationFilter(), Sort.PRICE_ASC, 2),
    "price desc page 2": (ConversationFilter(), Sort.PRICE_DESC, 2),
    # The inbox's filters of issue #14 (docs/inbox.md): one assignee's list on its own index,
    # "unassigned" checked on the rows walked. (Labels are too: no index may serve `@>` under
    # row-level security, so a rare label is found by reading most of the tenant's rows.)
    "assignee": (ConversationFilter(assignee_user_id=uuid.uuid4()), Sort.RECENT, 1),
    "unassigned by price": (ConversationFilter(unassigned=True), Sort.PRICE_ASC, 1),
}


@pytest.fixture(scope="module")
async def dataset_tenant(owner_url: str) -> uuid.UUID:
    return (await ensure_dataset(owner_url, "tiny")).tenant_id


async def _after(db: Database, tenant: uuid.UUID, flt: ConversationFilter, sort: Sort,
                 page: int) -> dict[str, Any] | None:
    """The row after which `page` starts (pages of 50), from the cursor the list hands out."""
    cursors = Cursors.from_secret(SecretBox.generate_key())
    units, cursor = Units(db, ConversationsUnit, cursors=cursors), ""
    for _ in range(page - 1):
        async with units(tenant) as unit:
            _, cursor = await unit.conversations.list_page(flt, sort, 50, cursor)
        assert cursor
    return cursors.decode(cursor, **cursor_fields(sort)) if cursor else None


async def _plan(db: Database, tenant: uuid.UUID, stmt: Select[Any], generic: bool) -> Any:
    dialect = postgresql.dialect()
    async with db.unit_of_work(tenant) as session:
        if not generic:
            sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
            found = (await session.execute(text("EXPLAIN (FORMAT JSON) " + sql))).scalar_one()
        else:  # what a reused prepared statement runs once PostgreSQL goes generic
            compiled = stmt.compile(dialect=(await session.connection()).dialect)
            args = ", ".join(str(literal(compiled.params[name], compiled.binds[name].type)
                                 .compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
                             for name in compiled.positiontup or [])
            await session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
            await session.execute(text(f"PREPARE list_page AS {compiled}"))
            found = (await session.execute(
                text(f"EXPLAIN (FORMAT JSON) EXECUTE list_page({args})"))).scalar_one()
            await session.execute(text("DEALLOCATE list_page"))
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


def _path_to(node: dict[str, Any], relation: str) -> list[dict[str, Any]]:
    """The nodes from the plan's root down to the scan of `relation` ([] when none)."""
    if node.get("Relation Name") == relation:
        return [node]
    for child in node.get("Plans", []):
        if found := _path_to(child, relation):
            return [node, *found]
    return []


def _shape(node: dict[str, Any], depth: int = 0) -> str:
    line = "  " * depth + node["Node Type"] + "".join(
        f" {node[k]}" for k in ("Index Name", "Relation Name") if k in node)
    return "\n".join([line, *(_shape(c, depth + 1) for c in node.get("Plans", []))])


async def test_the_tenant_has_rows(db: Database, dataset_tenant: uuid.UUID) -> None:
    async with db.unit_of_work(dataset_tenant) as session:
        assert await session.scalar(text("SELECT count(*) FROM conversations.conversations")) \
            == 1000


@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
@pytest.mark.parametrize("variant", list(VARIANTS))
async def test_list_walks_the_sort_index_under_the_limit(
        db: Database, dataset_tenant: uuid.UUID, variant: str, generic: bool) -> None:
    flt, sort, page = VARIANTS[variant]
    after = await _after(db, dataset_tenant, flt, sort, page)
    plan = await _plan(db, dataset_tenant, page_statement(flt, sort, 51, after), generic)
    path = _path_to(plan, "conversations")
    assert path, _shape(plan)
    scan = path[-1]
    index = "ix_conversations_assignee" if flt.assignee_user_id else INDEX[sort]
    assert scan["Node Type"] == "Index Scan" and scan["Index Name"] == index, _shape(plan)
    limits = [i for i, node in enumerate(path) if node["Node Type"] == "Limit"]
    assert limits, _shape(plan)
    between = [node["Node Type"] for node in path[limits[-1]:]]
    assert not any("Sort" in kind for kind in between), _shape(plan)


@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
@pytest.mark.parametrize("sort", list(Sort))
async def test_the_pinned_part_reads_the_pinned_index(
        db: Database, dataset_tenant: uuid.UUID, sort: Sort, generic: bool) -> None:
    """Every list's first part, the pinned conversations, comes from the partial index of the
    tenant's pinned rows (few: sorted after reading), not from a walk of all its rows."""
    plan = await _plan(db, dataset_tenant, page_statement(ConversationFilter(), sort, 51,
                                                          pinned=True), generic)
    path = _path_to(plan, "conversations")
    assert any(node.get("Index Name") == "ix_conversations_pinned" for node in path), \
        _shape(plan)

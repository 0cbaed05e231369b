"""ExportMessages reads a page's own rows: EXPLAIN of its statement (as the runtime role, under
row-level security) on the small generated data set (20 tenants of 1,000 conversations and
2,000 messages over 90 days), for a last-month range, first and later pages, custom and generic
plans. Messages must come from ix_messages_timeline inside a Nested Loop under the Limit, with
no full Sort above it (an Incremental Sort, by conversation, at most): a Sort there would read
and sort the whole range's messages for every page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from services.conversations.export.queries import ExportRange, page_statement
from services.kernel.db import Database
from switchboard.bench.dataset import ensure_dataset
from tests.bench.test_explain import _path_to, _plan, _shape


@pytest.fixture(scope="module")
async def dataset_tenant(owner_url: str) -> uuid.UUID:
    return (await ensure_dataset(owner_url, "tiny")).tenant_id


async def _middle(db: Database, tenant: uuid.UUID, rng: ExportRange) -> dict[str, Any]:
    """A cursor in the middle of the range (as a page ends: conversation, sent_at, id)."""
    async with db.unit_of_work(tenant) as session:
        row = (await session.execute(text(
            "SELECT conversation_id, sent_at, id FROM conversations.messages "
            "WHERE sent_at >= :s AND sent_at < :u ORDER BY conversation_id, sent_at, id "
            "OFFSET 100 LIMIT 1"), {"s": rng.since, "u": rng.until})).one()
    return {"c": row[0], "t": row[1], "id": row[2]}


@pytest.mark.parametrize("generic", [False, True], ids=["custom", "generic"])
@pytest.mark.parametrize("later", [False, True], ids=["first page", "later page"])
async def test_a_page_walks_the_timeline_index_under_the_limit(
        db: Database, dataset_tenant: uuid.UUID, later: bool, generic: bool) -> None:
    now = datetime.now(UTC)
    rng = ExportRange(now - timedelta(days=30), now, ())
    after = await _middle(db, dataset_tenant, rng) if later else None
    plan = await _plan(db, dataset_tenant, page_statement(rng, 501, after), generic)
    path = _path_to(plan, "messages")
    assert path and path[0]["Node Type"] == "Limit", _shape(plan)
    assert path[-1].get("Index Name") == "ix_messages_timeline", _shape(plan)
    kinds = [n["Node Type"] for n in path]
    assert "Nested Loop" in kinds, _shape(plan)
    # Above the loop at most an Incremental Sort (each conversation's rows, presorted by id);
    # the conversations may be sorted by id below it (those of the range, ids only).
    assert "Sort" not in kinds[:kinds.index("Nested Loop")], _shape(plan)

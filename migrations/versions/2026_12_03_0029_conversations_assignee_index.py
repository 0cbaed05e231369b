"""conversations: the list of one assignee's conversations ("mine") on an index of its own

`ix_conversations_assignee` (tenant_id, assignee_user_id, last_message_at DESC, id DESC) where
an assignee is set: the recent list filtered by assignee walks it under the LIMIT instead of
reading every conversation of the tenant (tests/bench/test_explain.py).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_conversations_assignee ON conversations.conversations "
               "(tenant_id, assignee_user_id, last_message_at DESC, id DESC) "
               "WHERE assignee_user_id IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS conversations.ix_conversations_assignee")

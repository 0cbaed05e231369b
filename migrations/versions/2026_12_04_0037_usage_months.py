"""conversations, agent: monthly usage counters for the plans' quotas (issue #16)

`conversations.usage_months`: messages stored (in and out) per tenant and calendar month
(UTC); `agent.usage_months`: AI replies sent. One row per tenant and month, incremented in the
transaction that stores the message or records the reply, so a count never drifts from what
is stored. RLS like every tenant table.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

_COUNTERS = {"conversations": "messages", "agent": "ai_replies"}


def upgrade() -> None:
    for schema, column in _COUNTERS.items():
        op.execute(f"""
            CREATE TABLE {schema}.usage_months (
                tenant_id uuid NOT NULL,
                month date NOT NULL CHECK (extract(day FROM month) = 1),
                {column} bigint NOT NULL DEFAULT 0 CHECK ({column} >= 0),
                PRIMARY KEY (tenant_id, month)
            )""")
        rls.tenant_table(schema, "usage_months")


def downgrade() -> None:
    for schema in _COUNTERS:
        op.execute(f"DROP TABLE {schema}.usage_months")

"""agent: the model's result per audit row, for the agent's health

`audit.model_result`: "" when the run did not ask the model (FAQ mode, a keyword handoff, a
guardrail), "ok" when it answered, else the failure's kind (auth, model_not_found,
rate_limited, unavailable, empty_answer, circuit_open). GetAgentHealth reads the tenant's
latest live results through the partial index (previews left out). Rows written before this
migration read as "" (not a model call): the health starts from the first new one.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit", sa.Column("model_result", sa.String(24), nullable=False,
                                     server_default=""), schema="agent")
    op.create_index("ix_audit_model_results", "audit", ["tenant_id", sa.text("created_at DESC")],
                    schema="agent", postgresql_where=sa.text("model_result <> '' AND NOT preview"))


def downgrade() -> None:
    op.drop_index("ix_audit_model_results", table_name="audit", schema="agent")
    op.drop_column("audit", "model_result", schema="agent")

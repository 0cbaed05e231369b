"""kernel: runtime and system roles, one schema per service plus identity

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from migrations import rls

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMAS = ("identity", "channels", "conversations")


def upgrade() -> None:
    rls.create_roles()
    for schema in SCHEMAS:
        rls.create_schema(schema)


def downgrade() -> None:
    # Roles are cluster-wide and may serve other databases: they stay.
    for schema in reversed(SCHEMAS):
        rls.drop_schema(schema)

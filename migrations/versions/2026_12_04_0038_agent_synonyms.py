"""agent: the seller's own synonym groups (issue #15)

`agent.synonym_groups`: words or short phrases a shop's buyers use for the same thing
(«симка», «сим-карта», «sim»), 2 to 20 a group, stored normalised (lower case, ё -> е).
Retrieval uses them like the built-in thesaurus; their count and latest change are part of the
tenant's knowledge fingerprint, so every process sees an edit on its next search. At most 500
groups a tenant (the service refuses more). RLS like every tenant table.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE agent.synonym_groups (
            id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            words text[] NOT NULL
                CHECK (cardinality(words) BETWEEN 2 AND 20),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        )""")
    op.execute("CREATE INDEX ix_synonym_groups_tenant ON agent.synonym_groups "
               "(tenant_id, created_at, id)")
    rls.tenant_table("agent", "synonym_groups")


def downgrade() -> None:
    op.execute("DROP TABLE agent.synonym_groups")

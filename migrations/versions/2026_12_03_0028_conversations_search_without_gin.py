"""conversations: drop the search indexes 0026 made, which row-level security leaves unused

Measured on the bench's data set: under FORCE ROW LEVEL SECURITY PostgreSQL takes only
leakproof operators as index conditions before a table's policy, and `@@` (ts_match_vq) and
ILIKE (texticlike) are not leakproof, so the runtime role's search never used
`ix_messages_search` or the pg_trgm indexes: it reads the tenant's rows through the tenant_id
indexes and filters them (services/conversations/inbox/search.py says the cost). The indexes
only cost every message insert a russian tsvector and a GIN entry.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

INDEXES = ("ix_messages_search", "ix_contacts_name_trgm", "ix_conversations_listing_title_trgm")


def upgrade() -> None:
    for index in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS conversations.{index}")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")


def downgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_messages_search ON conversations.messages "
               "USING gin (to_tsvector('russian'::regconfig, text))")
    op.execute("CREATE INDEX ix_contacts_name_trgm ON conversations.contacts "
               "USING gin (name gin_trgm_ops)")
    op.execute("CREATE INDEX ix_conversations_listing_title_trgm "
               "ON conversations.conversations USING gin (listing_title gin_trgm_ops)")

"""conversations: snooze that wakes, inbox search, pinned first, canned replies

- `conversations.snoozed_until`: when a snoozed conversation wakes. The platform job
  `conversations.wake_snoozed` finds the due ones of every tenant through one definer function
  (`snoozed_due`, read-only; each is then woken under its own tenant's row lock) over the
  partial index `ix_conversations_snoozed`.
- `ix_conversations_pinned`: the pinned rows of a tenant (few) that every list puts first.
- Search: `ix_messages_search` (GIN of the messages' russian tsvector: whole words, stemmed);
  `pg_trgm` indexes on buyers' names and listings' titles (parts of words).
- `canned_replies`: a tenant's saved answers (title, text with {variables}, optional shortcut
  unique in the tenant), RLS like every tenant table.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

SCHEMA = "conversations"
FUNCTIONS = [
    # conversations.wake_snoozed: the due snoozed conversations (status 3) of every tenant.
    rls.DefinerFunction(
        "snoozed_due(p_now timestamptz, p_limit integer)",
        "TABLE (tenant_id uuid, id uuid)",
        "SELECT c.tenant_id, c.id FROM conversations.conversations c "
        "WHERE c.status = 3 AND c.snoozed_until <= p_now "
        "ORDER BY c.snoozed_until LIMIT p_limit"),
]


def upgrade() -> None:
    op.execute("ALTER TABLE conversations.conversations ADD COLUMN snoozed_until timestamptz")
    op.execute("CREATE INDEX ix_conversations_snoozed ON conversations.conversations "
               "(snoozed_until) WHERE status = 3")
    op.execute("CREATE INDEX ix_conversations_pinned ON conversations.conversations "
               "(tenant_id) WHERE pinned")
    op.execute("CREATE INDEX ix_messages_search ON conversations.messages "
               "USING gin (to_tsvector('russian'::regconfig, text))")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_contacts_name_trgm ON conversations.contacts "
               "USING gin (name gin_trgm_ops)")
    op.execute("CREATE INDEX ix_conversations_listing_title_trgm "
               "ON conversations.conversations USING gin (listing_title gin_trgm_ops)")
    # The function reads the snoozed rows (nothing else runs as the system role).
    rls.system_access(SCHEMA, "conversations", "SELECT")
    rls.create_definer_functions(SCHEMA, FUNCTIONS)

    op.execute("""
    CREATE TABLE conversations.canned_replies (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      title varchar(200) NOT NULL,
      text text NOT NULL,
      shortcut varchar(32),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE INDEX ix_canned_replies_tenant_id ON conversations.canned_replies "
               "(tenant_id)")
    op.execute("CREATE UNIQUE INDEX uq_canned_replies_shortcut ON conversations.canned_replies "
               "(tenant_id, shortcut) WHERE shortcut IS NOT NULL")
    rls.tenant_table(SCHEMA, "canned_replies")


def downgrade() -> None:
    op.execute("DROP TABLE conversations.canned_replies")
    rls.drop_definer_functions(SCHEMA, FUNCTIONS)
    op.execute("DROP POLICY IF EXISTS system_select ON conversations.conversations")
    op.execute(f"REVOKE SELECT ON conversations.conversations FROM {rls.SYSTEM_ROLE}")
    for index in ("conversations.ix_conversations_listing_title_trgm",
                  "conversations.ix_contacts_name_trgm", "conversations.ix_messages_search",
                  "conversations.ix_conversations_pinned", "conversations.ix_conversations_snoozed"):
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.execute("ALTER TABLE conversations.conversations DROP COLUMN snoozed_until")

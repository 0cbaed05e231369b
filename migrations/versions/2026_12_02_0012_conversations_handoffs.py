"""conversations: the agent's handoff on the conversation ("needs a manager")

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # handoff_requested_at set = open (waits for a person); reason and kind as the agent said.
    # handoff_event_id stays after the handoff is cleared, so a redelivered event is known.
    op.execute("""
    ALTER TABLE conversations.conversations
      ADD COLUMN handoff_requested_at timestamptz,
      ADD COLUMN handoff_reason text NOT NULL DEFAULT '',
      ADD COLUMN handoff_kind varchar(32) NOT NULL DEFAULT '',
      ADD COLUMN handoff_event_id varchar(128)""")
    # The needs_manager list (recent first) walks only the open ones.
    op.execute("CREATE INDEX ix_conversations_handoff ON conversations.conversations "
               "(tenant_id, last_message_at DESC, id DESC) WHERE handoff_requested_at IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP INDEX conversations.ix_conversations_handoff")
    op.execute("""
    ALTER TABLE conversations.conversations
      DROP COLUMN handoff_requested_at, DROP COLUMN handoff_reason,
      DROP COLUMN handoff_kind, DROP COLUMN handoff_event_id""")

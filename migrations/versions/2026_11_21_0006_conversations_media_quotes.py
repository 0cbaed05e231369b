"""conversations: media for outgoing attachments, quotes, imported history

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE conversations.media (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      content bytea NOT NULL,
      mime_type varchar(127) NOT NULL,
      filename varchar(255) NOT NULL DEFAULT '',
      size bigint NOT NULL,
      sha256 varchar(64) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE INDEX ix_media_tenant_id ON conversations.media (tenant_id)")
    rls.tenant_table("conversations", "media")

    op.execute("""
    ALTER TABLE conversations.messages
      ADD COLUMN quoted_message_id uuid,
      ADD COLUMN historical boolean NOT NULL DEFAULT false""")
    # Listing updates touch every conversation about one item of one channel.
    op.execute("CREATE INDEX ix_conversations_listing ON conversations.conversations "
               "(tenant_id, channel_id, listing_external_id)")


def downgrade() -> None:
    op.execute("DROP INDEX conversations.ix_conversations_listing")
    op.execute("ALTER TABLE conversations.messages DROP COLUMN quoted_message_id, "
               "DROP COLUMN historical")
    op.execute("DROP TABLE conversations.media")

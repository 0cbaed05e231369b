"""channels: chats whose buyer was looked up (the buyer's name, once per chat)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per chat whose details were asked of Avito for its buyer: the lookup is made once
    # per chat, whatever the number of its messages, and what it found is kept.
    op.execute("""
    CREATE TABLE channels.chats (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      channel_id uuid NOT NULL REFERENCES channels.channel_accounts (id),
      chat_id varchar(128) NOT NULL,
      buyer_user_id varchar(128) NOT NULL DEFAULT '',
      buyer_name varchar(255) NOT NULL DEFAULT '',
      looked_up_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_chats_chat ON channels.chats (tenant_id, channel_id, chat_id)")
    op.execute("CREATE INDEX ix_chats_tenant_id ON channels.chats (tenant_id)")
    rls.tenant_table("channels", "chats")


def downgrade() -> None:
    op.execute("DROP TABLE channels.chats")

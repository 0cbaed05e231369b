"""conversations: contacts, conversations, messages, outbox

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE conversations.contacts (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      external_user_id varchar(128) NOT NULL,
      name varchar(255) NOT NULL DEFAULT '',
      phone varchar(64) NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_contacts_external "
               "ON conversations.contacts (tenant_id, channel_id, external_user_id)")
    op.execute("CREATE INDEX ix_contacts_tenant_id ON conversations.contacts (tenant_id)")
    rls.tenant_table("conversations", "contacts")

    op.execute("""
    CREATE TABLE conversations.conversations (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      channel_kind smallint NOT NULL,
      external_chat_id varchar(128) NOT NULL,
      contact_id uuid NOT NULL REFERENCES conversations.contacts (id),
      status smallint NOT NULL,
      mode smallint NOT NULL,
      assignee_user_id uuid,
      pinned boolean NOT NULL DEFAULT false,
      labels varchar(64)[] NOT NULL DEFAULT '{}',
      unread_count integer NOT NULL DEFAULT 0,
      waiting_since timestamptz,
      last_message_at timestamptz NOT NULL,
      last_message_preview varchar(280) NOT NULL DEFAULT '',
      listing_external_id varchar(64) NOT NULL DEFAULT '',
      listing_title varchar(512) NOT NULL DEFAULT '',
      listing_price_minor bigint,
      listing_url text NOT NULL DEFAULT '',
      listing_image_url text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_conversations_external "
               "ON conversations.conversations (tenant_id, channel_id, external_chat_id)")
    op.execute("CREATE INDEX ix_conversations_recent "
               "ON conversations.conversations (tenant_id, last_message_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_conversations_price "
               "ON conversations.conversations (tenant_id, listing_price_minor, id)")
    op.execute("CREATE INDEX ix_conversations_tenant_id ON conversations.conversations (tenant_id)")
    rls.tenant_table("conversations", "conversations")

    op.execute("""
    CREATE TABLE conversations.messages (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      conversation_id uuid NOT NULL REFERENCES conversations.conversations (id),
      direction smallint NOT NULL,
      sender smallint NOT NULL,
      sender_user_id uuid,
      content_type varchar(32) NOT NULL DEFAULT 'text',
      text text NOT NULL DEFAULT '',
      attachments jsonb NOT NULL DEFAULT '[]',
      status smallint NOT NULL,
      failure_reason text NOT NULL DEFAULT '',
      external_message_id varchar(128),
      idempotency_key varchar(128),
      raw jsonb,
      sent_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_messages_external ON conversations.messages "
               "(tenant_id, conversation_id, external_message_id) "
               "WHERE external_message_id IS NOT NULL")
    op.execute("CREATE UNIQUE INDEX uq_messages_idempotency ON conversations.messages "
               "(tenant_id, conversation_id, idempotency_key) WHERE idempotency_key IS NOT NULL")
    op.execute("CREATE INDEX ix_messages_timeline ON conversations.messages "
               "(tenant_id, conversation_id, sent_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_messages_tenant_id ON conversations.messages (tenant_id)")
    rls.tenant_table("conversations", "messages")

    rls.outbox_table("conversations")


def downgrade() -> None:
    for table in ("outbox", "messages", "conversations", "contacts"):
        op.execute(f"DROP TABLE conversations.{table}")

"""channels: channel accounts, outbound sends, outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE channels.channel_accounts (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      kind smallint NOT NULL,
      name varchar(255) NOT NULL,
      status smallint NOT NULL,
      external_account_id varchar(64) NOT NULL,
      external_account_name varchar(255) NOT NULL DEFAULT '',
      api_base_url text NOT NULL,
      client_id varchar(255) NOT NULL,
      client_secret_enc bytea NOT NULL,
      access_token_enc bytea,
      token_expires_at timestamptz,
      signing_secret_enc bytea,
      webhook_token_sha256 varchar(64) NOT NULL,
      webhook_token_enc bytea NOT NULL,
      public_base_url text NOT NULL,
      webhook_subscribed boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_channel_accounts_external "
               "ON channels.channel_accounts (tenant_id, kind, external_account_id)")
    op.execute("CREATE INDEX ix_channel_accounts_tenant_id ON channels.channel_accounts (tenant_id)")
    rls.tenant_table("channels", "channel_accounts")
    rls.system_access("channels", "channel_accounts", "SELECT")  # resolve a webhook URL

    op.execute("""
    CREATE TABLE channels.outbound_sends (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      message_id uuid NOT NULL,
      conversation_id uuid NOT NULL,
      channel_id uuid NOT NULL REFERENCES channels.channel_accounts (id),
      external_chat_id varchar(128) NOT NULL,
      external_message_id varchar(128),
      status smallint NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      last_error text NOT NULL DEFAULT '',
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_outbound_sends_message "
               "ON channels.outbound_sends (tenant_id, message_id)")
    op.execute("CREATE INDEX ix_outbound_sends_tenant_id ON channels.outbound_sends (tenant_id)")
    rls.tenant_table("channels", "outbound_sends")

    rls.outbox_table("channels")


def downgrade() -> None:
    for table in ("outbox", "outbound_sends", "channel_accounts"):
        op.execute(f"DROP TABLE channels.{table}")

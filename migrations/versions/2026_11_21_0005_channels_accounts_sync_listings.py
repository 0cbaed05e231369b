"""channels: authorization-code accounts, webhook state, OAuth states, sync state, listings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    ALTER TABLE channels.channel_accounts
      ADD COLUMN auth_kind smallint NOT NULL DEFAULT 1,
      ADD COLUMN refresh_token_enc bytea,
      ADD COLUMN webhook_enabled boolean NOT NULL DEFAULT true,
      ADD COLUMN last_webhook_at timestamptz,
      ADD COLUMN last_sync_at timestamptz,
      ADD COLUMN disconnected_at timestamptz""")

    # A consent request in flight: the state is single-use, and only its hash is kept.
    op.execute("""
    CREATE TABLE channels.oauth_states (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      state_sha256 varchar(64) NOT NULL,
      name varchar(255) NOT NULL,
      api_base_url text NOT NULL,
      public_base_url text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_oauth_states_state ON channels.oauth_states (state_sha256)")
    op.execute("CREATE INDEX ix_oauth_states_tenant_id ON channels.oauth_states (tenant_id)")
    rls.tenant_table("channels", "oauth_states")
    rls.system_access("channels", "oauth_states", "SELECT")  # the callback names no tenant

    # One row per account: when it is next due for reconciliation (claimed SKIP LOCKED).
    op.execute("""
    CREATE TABLE channels.sync_state (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      channel_id uuid NOT NULL REFERENCES channels.channel_accounts (id),
      next_due_at timestamptz NOT NULL,
      last_synced_at timestamptz,
      synced_until bigint NOT NULL DEFAULT 0,
      backfilled_at timestamptz,
      failures integer NOT NULL DEFAULT 0,
      last_error text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_sync_state_channel ON channels.sync_state (tenant_id, channel_id)")
    op.execute("CREATE INDEX ix_sync_state_due ON channels.sync_state (next_due_at)")
    op.execute("CREATE INDEX ix_sync_state_tenant_id ON channels.sync_state (tenant_id)")
    rls.tenant_table("channels", "sync_state")
    rls.system_access("channels", "sync_state", "SELECT", "UPDATE")  # the due-row scheduler

    # Listing cache: what an item looks like, refreshed when stale.
    op.execute("""
    CREATE TABLE channels.listings (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      channel_id uuid NOT NULL REFERENCES channels.channel_accounts (id),
      item_id varchar(64) NOT NULL,
      title varchar(512) NOT NULL DEFAULT '',
      price_minor bigint,
      url text NOT NULL DEFAULT '',
      image_url text NOT NULL DEFAULT '',
      status varchar(32) NOT NULL DEFAULT '',
      fetched_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_listings_item ON channels.listings (tenant_id, channel_id, item_id)")
    op.execute("CREATE INDEX ix_listings_tenant_id ON channels.listings (tenant_id)")
    rls.tenant_table("channels", "listings")


def downgrade() -> None:
    for table in ("listings", "sync_state", "oauth_states"):
        op.execute(f"DROP TABLE channels.{table}")
    op.execute("""
    ALTER TABLE channels.channel_accounts
      DROP COLUMN auth_kind, DROP COLUMN refresh_token_enc, DROP COLUMN webhook_enabled,
      DROP COLUMN last_webhook_at, DROP COLUMN last_sync_at, DROP COLUMN disconnected_at""")

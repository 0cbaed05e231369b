"""agent: settings, pending replies (debounce), audit and usage

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per level: the tenant's (channel_id NULL) and one per overridden channel account.
    # `values` holds only the fields set at that level; the API key is a Fernet token.
    op.execute("""
    CREATE TABLE agent.settings (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      channel_id uuid,
      values jsonb NOT NULL DEFAULT '{}',
      api_key_enc bytea,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    # A plain unique index would let many NULL channel ids through: one partial index per level.
    op.execute("CREATE UNIQUE INDEX uq_settings_tenant_level ON agent.settings (tenant_id) "
               "WHERE channel_id IS NULL")
    op.execute("CREATE UNIQUE INDEX uq_settings_channel ON agent.settings (tenant_id, channel_id) "
               "WHERE channel_id IS NOT NULL")
    rls.tenant_table("agent", "settings")

    # The debounce: one row per conversation with a buyer waiting for the agent.
    op.execute("""
    CREATE TABLE agent.pending_replies (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      conversation_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      first_unanswered_at timestamptz NOT NULL,
      last_buyer_message_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      message_ids uuid[] NOT NULL DEFAULT '{}',
      state varchar(16) NOT NULL DEFAULT 'waiting',
      revision integer NOT NULL DEFAULT 1,
      attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      last_error text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_pending_replies_conversation "
               "ON agent.pending_replies (tenant_id, conversation_id)")
    op.execute("CREATE INDEX ix_pending_replies_due ON agent.pending_replies (due_at)")
    op.execute("CREATE INDEX ix_pending_replies_tenant_id ON agent.pending_replies (tenant_id)")
    rls.tenant_table("agent", "pending_replies")
    # The scheduler finds due rows of every tenant in one query and leases them (locked_until)
    # with FOR UPDATE SKIP LOCKED, which needs UPDATE besides SELECT. It never inserts or
    # deletes across tenants: each claimed row is then answered and completed in a unit of
    # work bound to the row's own tenant.
    rls.system_access("agent", "pending_replies", "SELECT", "UPDATE")

    op.execute("""
    CREATE TABLE agent.audit (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      conversation_id uuid,
      channel_id uuid,
      outcome varchar(16) NOT NULL,
      reason text NOT NULL DEFAULT '',
      handoff_kind smallint NOT NULL DEFAULT 0,
      mode varchar(8) NOT NULL DEFAULT '',
      input_message_ids uuid[] NOT NULL DEFAULT '{}',
      chunk_ids uuid[] NOT NULL DEFAULT '{}',
      model varchar(200) NOT NULL DEFAULT '',
      prompt_tokens integer NOT NULL DEFAULT 0,
      completion_tokens integer NOT NULL DEFAULT 0,
      latency_ms integer NOT NULL DEFAULT 0,
      cost double precision NOT NULL DEFAULT 0,
      low_confidence boolean NOT NULL DEFAULT false,
      reply_message_id uuid,
      preview boolean NOT NULL DEFAULT false,
      idempotency_key varchar(160),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE INDEX ix_audit_recent ON agent.audit (tenant_id, created_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_audit_conversation "
               "ON agent.audit (tenant_id, conversation_id, created_at DESC)")
    # A pending reply run again after a lost lease records its outcome once.
    op.execute("CREATE UNIQUE INDEX uq_audit_idempotency ON agent.audit (tenant_id, idempotency_key) "
               "WHERE idempotency_key IS NOT NULL")
    rls.tenant_table("agent", "audit")

    op.execute("""
    CREATE TABLE agent.conversation_summaries (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      conversation_id uuid NOT NULL,
      summary text NOT NULL,
      covered_until timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_conversation_summaries_conversation "
               "ON agent.conversation_summaries (tenant_id, conversation_id)")
    rls.tenant_table("agent", "conversation_summaries")

    rls.outbox_table("agent")


def downgrade() -> None:
    for table in ("outbox", "conversation_summaries", "audit", "pending_replies", "settings"):
        op.execute(f"DROP TABLE agent.{table}")

"""analytics: schema, settings, message and conversation facts, hourly aggregates (issue #13)

The analytics service projects the platform's events into these tables; none is a source of
truth. Every table is tenant-scoped with RLS forced. Analytics emits no events: no outbox.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rls.create_schema("analytics")
    op.execute("""
    CREATE TABLE analytics.settings (
      tenant_id uuid PRIMARY KEY,
      time_zone varchar(64) NOT NULL DEFAULT '',
      business_hours jsonb NOT NULL DEFAULT '[]',
      updated_at timestamptz NOT NULL DEFAULT now())""")
    rls.tenant_table("analytics", "settings")

    # A message seen (counted once whatever the redeliveries) and, for a reply, the wait it
    # ended: from the first buyer message after the previous reply, in seconds and in
    # business seconds (the tenant's hours when it was measured).
    op.execute("""
    CREATE TABLE analytics.message_facts (
      tenant_id uuid NOT NULL,
      message_id uuid NOT NULL,
      conversation_id uuid NOT NULL,
      direction varchar(3) NOT NULL CHECK (direction IN ('in', 'out')),
      sender varchar(8) NOT NULL CHECK (sender IN ('buyer', 'manager', 'ai', 'app')),
      at timestamptz NOT NULL,
      wait_from timestamptz,
      reply_s double precision,
      reply_business_s double precision,
      PRIMARY KEY (tenant_id, message_id))""")
    op.execute("CREATE INDEX ix_message_facts_conversation ON analytics.message_facts "
               "(tenant_id, conversation_id, at)")
    rls.tenant_table("analytics", "message_facts")

    # Every figure of a conversation is keyed by its channel, its listing and its assignee as
    # they are now: a change moves its figures (services/analytics/projection).
    op.execute("""
    CREATE TABLE analytics.conversation_facts (
      tenant_id uuid NOT NULL,
      conversation_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      listing_id varchar(64) NOT NULL DEFAULT '',
      listing_title varchar(255) NOT NULL DEFAULT '',
      assignee varchar(64) NOT NULL DEFAULT '',
      started_at timestamptz NOT NULL,
      status smallint NOT NULL DEFAULT 0,
      state_at timestamptz,
      first_reply_id uuid,
      awaiting_since timestamptz,
      resolved_at timestamptz,
      ai_replied_at timestamptz,
      handed_off_at timestamptz,
      PRIMARY KEY (tenant_id, conversation_id))""")
    # Unanswered and waiting read only the conversations someone waits in.
    op.execute("CREATE INDEX ix_conversation_facts_awaiting ON analytics.conversation_facts "
               "(tenant_id, awaiting_since) WHERE awaiting_since IS NOT NULL")
    rls.tenant_table("analytics", "conversation_facts")

    op.execute("""
    CREATE TABLE analytics.hourly (
      tenant_id uuid NOT NULL,
      hour timestamptz NOT NULL,
      channel_id uuid NOT NULL,
      listing_id varchar(64) NOT NULL,
      assignee varchar(64) NOT NULL,
      metric varchar(32) NOT NULL,
      bucket smallint NOT NULL,
      value bigint NOT NULL,
      PRIMARY KEY (tenant_id, hour, channel_id, listing_id, assignee, metric, bucket))""")
    rls.tenant_table("analytics", "hourly")


def downgrade() -> None:
    rls.drop_schema("analytics")

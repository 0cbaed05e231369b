"""telegram_bot: what the owner's console and the alerts keep (issue #12)

- dialogs: aiogram's FSM state and data per (bot, chat, person, thread, destiny), so a guided
  dialog (connecting an Avito account) resumes after a runner restart;
- handoff_alerts: an AI handoff waiting for a manager, with the time it is overdue; the alert
  fires once per handoff (`done_at`), and a restart keeps the deadline;
- channel_alerts: the problems last told per channel account (the diagnostics' failing checks),
  so an alert goes out when they change and never again while they stay the same.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

SCHEMA = "telegram_bot"


def upgrade() -> None:
    op.execute("""
    CREATE TABLE telegram_bot.dialogs (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      chat_id bigint NOT NULL,
      user_id bigint NOT NULL,
      thread_id bigint NOT NULL DEFAULT 0,
      destiny varchar(32) NOT NULL,
      state varchar(128),
      data jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, bot_id, chat_id, user_id, thread_id, destiny))""")
    rls.tenant_table(SCHEMA, "dialogs")
    # done_at: the alert was posted, or the handoff was picked up before it was due.
    op.execute("""
    CREATE TABLE telegram_bot.handoff_alerts (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      conversation_id varchar(64) NOT NULL,
      requested_at varchar(64) NOT NULL,
      due_at timestamptz NOT NULL,
      claimed_at timestamptz,
      done_at timestamptz,
      outcome varchar(16),
      PRIMARY KEY (tenant_id, bot_id, conversation_id, requested_at))""")
    op.execute("CREATE INDEX handoff_alerts_due ON telegram_bot.handoff_alerts "
               "(tenant_id, bot_id, due_at) WHERE done_at IS NULL")
    rls.tenant_table(SCHEMA, "handoff_alerts")
    op.execute("""
    CREATE TABLE telegram_bot.channel_alerts (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      channel_id varchar(64) NOT NULL,
      problems text[] NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, bot_id, channel_id))""")
    rls.tenant_table(SCHEMA, "channel_alerts")


def downgrade() -> None:
    op.execute("DROP TABLE telegram_bot.channel_alerts")
    op.execute("DROP TABLE telegram_bot.handoff_alerts")
    op.execute("DROP TABLE telegram_bot.dialogs")

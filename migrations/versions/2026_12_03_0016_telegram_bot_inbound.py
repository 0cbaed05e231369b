"""telegram_bot: what the bot runner keeps for the direction Telegram -> platform (issue #12)

- replies: a manager's message in a conversation's topic, recorded before it is sent to the
  platform (so the window, seeing the platform message appear, waits for the link instead of
  posting the manager's own words back), then the platform message it became, and the
  delivery shown on it (a reaction or a reply), so a replay shows nothing twice.
- offsets: a polling bot's last handled update id (getUpdates resumes after it: a restart
  neither loses nor repeats an update).
- notices: when a person was last told something once-in-a-while ("link your account first"),
  so it is said at most once per user per period across replicas and restarts.
- an index on topics by thread: a message in a topic finds its conversation.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SCHEMA = "telegram_bot"


def upgrade() -> None:
    op.execute("CREATE INDEX topics_by_thread ON telegram_bot.topics "
               "(tenant_id, bot_id, chat_id, thread_id) WHERE thread_id IS NOT NULL")
    # message_id stays NULL while the send to the platform is in flight; outcome: 'sent' or
    # 'failed' once shown in the topic, 'refused' when the platform refused it (the manager
    # was told why; a redelivery does not send it again).
    op.execute("""
    CREATE TABLE telegram_bot.replies (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      chat_id bigint NOT NULL,
      telegram_message_id bigint NOT NULL,
      thread_id bigint NOT NULL,
      conversation_id varchar(64) NOT NULL,
      message_id varchar(64),
      outcome varchar(16),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, bot_id, chat_id, telegram_message_id))""")
    op.execute("CREATE INDEX replies_by_message ON telegram_bot.replies "
               "(tenant_id, bot_id, chat_id, message_id) WHERE message_id IS NOT NULL")
    op.execute("CREATE INDEX replies_in_flight ON telegram_bot.replies "
               "(tenant_id, bot_id, chat_id, conversation_id) "
               "WHERE message_id IS NULL AND outcome IS NULL")
    rls.tenant_table(SCHEMA, "replies")
    op.execute("""
    CREATE TABLE telegram_bot.offsets (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      last_update_id bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, bot_id))""")
    rls.tenant_table(SCHEMA, "offsets")
    op.execute("""
    CREATE TABLE telegram_bot.notices (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      telegram_user_id bigint NOT NULL,
      kind varchar(32) NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, bot_id, telegram_user_id, kind))""")
    rls.tenant_table(SCHEMA, "notices")


def downgrade() -> None:
    op.execute("DROP TABLE telegram_bot.notices")
    op.execute("DROP TABLE telegram_bot.offsets")
    op.execute("DROP TABLE telegram_bot.replies")
    op.execute("DROP INDEX telegram_bot.topics_by_thread")

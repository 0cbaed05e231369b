"""telegram_bot: the bot runner's own store for the single window (issue #12)

The runner is a client of the public API like any third party, and keeps what a third-party
bot would keep itself: the forum topic of each conversation in a bot's group (with its card),
what it posted (platform message -> Telegram messages, so a replay posts nothing twice), and
the last live event it handled per bot (so a restart resumes). Creating a topic and posting a
message claim their row first (claim_token, claimed_at: renewed while held, taken over when
stale), so two replicas, or two events at once, make one topic and one post.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SCHEMA = "telegram_bot"


def upgrade() -> None:
    rls.create_schema(SCHEMA)
    # A topic per (bot, group, conversation): a group linked anew gets topics of its own.
    # thread_id is set once the topic exists, card_message_id once its card is posted (ready).
    op.execute("""
    CREATE TABLE telegram_bot.topics (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      chat_id bigint NOT NULL,
      conversation_id varchar(64) NOT NULL,
      thread_id bigint,
      card_message_id bigint,
      name varchar(255) NOT NULL DEFAULT '',
      card_sha256 varchar(64) NOT NULL DEFAULT '',
      claim_token uuid NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, bot_id, chat_id, conversation_id))""")
    rls.tenant_table(SCHEMA, "topics")
    # What was posted: item_key is the platform message id (or "handoff:<conversation>:<at>"
    # for a marker); telegram_message_ids grows part by part, so a post taken over after a
    # crash continues where it stopped. error: Telegram refused it for good (reported, skipped).
    op.execute("""
    CREATE TABLE telegram_bot.posts (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      chat_id bigint NOT NULL,
      item_key varchar(160) NOT NULL,
      conversation_id varchar(64) NOT NULL,
      telegram_message_ids bigint[] NOT NULL DEFAULT '{}',
      done boolean NOT NULL DEFAULT false,
      error text,
      claim_token uuid NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, bot_id, chat_id, item_key))""")
    rls.tenant_table(SCHEMA, "posts")
    op.execute("""
    CREATE TABLE telegram_bot.cursors (
      tenant_id uuid NOT NULL,
      bot_id varchar(64) NOT NULL,
      last_event_id varchar(64) NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, bot_id))""")
    rls.tenant_table(SCHEMA, "cursors")


def downgrade() -> None:
    rls.drop_schema(SCHEMA)

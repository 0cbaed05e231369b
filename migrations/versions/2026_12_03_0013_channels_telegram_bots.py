"""channels: tenant Telegram bots (issue #12, "Registering a bot")

One row per registered bot: Telegram's id and names, the token and the runner's API key
encrypted, the webhook secret's SHA-256 only, the linked group. A Telegram bot belongs to one
tenant at a time (a unique index across tenants). Three definer functions reach across tenants:
the gateway's webhook check, the registration's "whose is this bot", and the bot runner's list.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls
from migrations.rls import DefinerFunction

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

FUNCTIONS = [
    # ResolveTelegramWebhook: whose bot a webhook URL names and how to check its secret.
    DefinerFunction(
        "telegram_webhook_target(p_bot_id uuid)",
        "TABLE (tenant_id uuid, webhook_secret_sha256 text, status smallint, delivery smallint)",
        "SELECT b.tenant_id, b.webhook_secret_sha256::text, b.status, b.delivery "
        "FROM channels.telegram_bots b WHERE b.id = p_bot_id"),
    # RegisterTelegramBot: which tenant, if any, has this Telegram bot (checked before its
    # webhook is touched: another tenant's bot is ALREADY_EXISTS, never taken over).
    DefinerFunction(
        "telegram_bot_tenant(p_telegram_id bigint)", "uuid",
        "SELECT b.tenant_id FROM channels.telegram_bots b WHERE b.telegram_id = p_telegram_id"),
    # ListTelegramBotCredentials: the bot runner's page of every tenant's bots (keyset on id),
    # secrets still encrypted.
    DefinerFunction(
        "telegram_bot_credentials(p_after uuid, p_limit integer)",
        "TABLE (id uuid, tenant_id uuid, telegram_id bigint, username text, token_enc bytea, "
        "delivery smallint, runner_api_key_enc bytea, group_chat_id bigint)",
        "SELECT b.id, b.tenant_id, b.telegram_id, b.username::text, b.token_enc, b.delivery, "
        "b.runner_api_key_enc, b.group_chat_id FROM channels.telegram_bots b "
        "WHERE p_after IS NULL OR b.id > p_after ORDER BY b.id LIMIT p_limit"),
]


def upgrade() -> None:
    op.execute("""
    CREATE TABLE channels.telegram_bots (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      telegram_id bigint NOT NULL,
      username varchar(64) NOT NULL,
      first_name varchar(255) NOT NULL DEFAULT '',
      token_enc bytea NOT NULL,
      delivery smallint NOT NULL,
      webhook_secret_sha256 varchar(64) NOT NULL DEFAULT '',
      public_base_url text NOT NULL DEFAULT '',
      group_chat_id bigint,
      group_title varchar(255) NOT NULL DEFAULT '',
      runner_api_key_id uuid NOT NULL,
      runner_api_key_enc bytea NOT NULL,
      status smallint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ck_telegram_bots_group CHECK (group_chat_id IS NULL OR group_chat_id < 0))""")
    # Across tenants: a Telegram bot has one webhook, hence one owner.
    op.execute("CREATE UNIQUE INDEX uq_telegram_bots_telegram_id "
               "ON channels.telegram_bots (telegram_id)")
    op.execute("CREATE INDEX ix_telegram_bots_tenant_id "
               "ON channels.telegram_bots (tenant_id, created_at, id)")
    rls.tenant_table("channels", "telegram_bots")
    rls.system_access("channels", "telegram_bots", "SELECT")
    rls.create_definer_functions("channels", FUNCTIONS)


def downgrade() -> None:
    rls.drop_definer_functions("channels", FUNCTIONS)
    op.execute("DROP TABLE channels.telegram_bots")

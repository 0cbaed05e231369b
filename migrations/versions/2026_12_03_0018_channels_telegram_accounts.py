"""channels: Telegram bots as customer channels (issue #12, "Telegram as a customer channel")

A Telegram channel account is a `channel_accounts` row of kind 2: `external_account_id` is the
bot's Telegram id, `client_secret_enc` its token, the webhook token's hash and ciphertext the
webhook's secret_token. `outbound_sends.parts_sent` counts the parts of a reply Telegram took
(the Bot API cannot list a chat, so an interrupted send resumes from it). A bot has one
webhook, so one active channel across all tenants (a partial unique index), and
`telegram_channel_tenant` tells a connection or a console bot's registration whose it is
before its webhook is touched.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls
from migrations.rls import DefinerFunction

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FUNCTIONS = [
    # ConnectTelegramChannel and RegisterTelegramBot: which tenant, if any, has this bot
    # connected as a customer channel (an active one; a disconnected row keeps no webhook).
    DefinerFunction(
        "telegram_channel_tenant(p_telegram_id text)", "uuid",
        "SELECT a.tenant_id FROM channels.channel_accounts a "
        "WHERE a.kind = 2 AND a.status = 1 AND a.external_account_id = p_telegram_id LIMIT 1"),
]


def upgrade() -> None:
    # Across tenants: one active channel per Telegram bot (one webhook, one owner).
    op.execute("CREATE UNIQUE INDEX uq_channel_accounts_telegram_bot "
               "ON channels.channel_accounts (external_account_id) WHERE kind = 2 AND status = 1")
    op.execute("ALTER TABLE channels.outbound_sends "
               "ADD COLUMN parts_sent smallint NOT NULL DEFAULT 0")
    rls.create_definer_functions("channels", FUNCTIONS)


def downgrade() -> None:
    rls.drop_definer_functions("channels", FUNCTIONS)
    op.execute("ALTER TABLE channels.outbound_sends DROP COLUMN parts_sent")
    op.execute("DROP INDEX channels.uq_channel_accounts_telegram_bot")

"""identity: Telegram users linked to platform users, and the one-time codes that link them

A link ties one user of a tenant to one Telegram account (both unique within the tenant: linking
again replaces). A code is stored as its SHA-256 only, with its user, expiry and use; the tenant
comes first in every index, as every lookup is bound to the caller's tenant (no definer function:
the bot runner redeems and looks up with its own tenant's key).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE identity.telegram_links (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
      telegram_user_id bigint NOT NULL CHECK (telegram_user_id > 0),
      telegram_username varchar(64),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    # The bot runner's lookup on every command it authorizes walks the first one.
    op.execute("CREATE UNIQUE INDEX uq_telegram_links_telegram_user "
               "ON identity.telegram_links (tenant_id, telegram_user_id)")
    op.execute("CREATE UNIQUE INDEX uq_telegram_links_user "
               "ON identity.telegram_links (tenant_id, user_id)")
    rls.tenant_table("identity", "telegram_links")

    op.execute("""
    CREATE TABLE identity.telegram_link_codes (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
      code_sha256 varchar(64) NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_telegram_link_codes_code "
               "ON identity.telegram_link_codes (tenant_id, code_sha256)")
    op.execute("CREATE INDEX ix_telegram_link_codes_user "
               "ON identity.telegram_link_codes (tenant_id, user_id)")
    rls.tenant_table("identity", "telegram_link_codes")


def downgrade() -> None:
    op.execute("DROP TABLE identity.telegram_link_codes")
    op.execute("DROP TABLE identity.telegram_links")

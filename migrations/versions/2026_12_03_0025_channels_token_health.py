"""channels: each Avito account's token health, checked by the platform job channels.token_health

Columns on channel_accounts: when the token was last checked, when the next check is due (also
the lease of a check under way), since when Avito refuses it (NULL: accepted) and why. A round
claims due active Avito accounts of every tenant through one definer function
(`claim_token_checks`: FOR UPDATE SKIP LOCKED, due time pushed ahead as the lease), then
records each outcome in the account's own tenant unit.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

SCHEMA = "channels"
FUNCTIONS = [
    # channels.token_health: lease due active Avito accounts (kind 1, status 1) of every tenant.
    rls.DefinerFunction(
        "claim_token_checks(p_now timestamptz, p_limit integer, p_lease interval)",
        "TABLE (id uuid, tenant_id uuid)",
        "WITH due AS (SELECT a.id FROM channels.channel_accounts a "
        "WHERE a.kind = 1 AND a.status = 1 "
        "AND (a.token_check_due_at IS NULL OR a.token_check_due_at <= p_now) "
        "ORDER BY a.token_check_due_at NULLS FIRST LIMIT p_limit FOR UPDATE SKIP LOCKED) "
        "UPDATE channels.channel_accounts a SET token_check_due_at = p_now + p_lease "
        "FROM due WHERE a.id = due.id RETURNING a.id, a.tenant_id",
        writes=True),
]


def upgrade() -> None:
    op.execute("""
    ALTER TABLE channels.channel_accounts
      ADD COLUMN token_checked_at timestamptz,
      ADD COLUMN token_check_due_at timestamptz,
      ADD COLUMN token_refused_since timestamptz,
      ADD COLUMN token_error text NOT NULL DEFAULT ''""")
    op.execute("CREATE INDEX ix_channel_accounts_token_check "
               "ON channels.channel_accounts (token_check_due_at) WHERE kind = 1 AND status = 1")
    # The claim moves the due time of the rows it leases (and nothing else: the function is
    # the only code that runs as the system role).
    rls.system_access(SCHEMA, "channel_accounts", "UPDATE")
    rls.create_definer_functions(SCHEMA, FUNCTIONS)


def downgrade() -> None:
    rls.drop_definer_functions(SCHEMA, FUNCTIONS)
    op.execute("DROP POLICY IF EXISTS system_update ON channels.channel_accounts")
    op.execute(f"REVOKE UPDATE ON channels.channel_accounts FROM {rls.SYSTEM_ROLE}")
    op.execute("DROP INDEX IF EXISTS channels.ix_channel_accounts_token_check")
    op.execute("ALTER TABLE channels.channel_accounts DROP COLUMN token_checked_at, "
               "DROP COLUMN token_check_due_at, DROP COLUMN token_refused_since, "
               "DROP COLUMN token_error")

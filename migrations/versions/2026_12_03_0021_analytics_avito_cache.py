"""analytics: the Avito statistics cache and its refresh schedule (issue #13)

Figures channels fetched from Avito, per account and day, so reports never wait on Avito's
limits (one call a minute for some endpoints). A figure not fetched is NULL, never 0: a report
says it is missing. The refresh loop claims due accounts of every tenant through
`analytics.claim_due_avito_refresh` (a definer function: FOR UPDATE SKIP LOCKED, lease).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

FUNCTIONS = [
    rls.DefinerFunction(
        "claim_due_avito_refresh(p_now timestamptz, p_limit integer, p_lease interval)",
        "TABLE (tenant_id uuid, channel_id uuid, filled_from date)",
        "WITH due AS (SELECT r.tenant_id, r.channel_id FROM analytics.avito_refresh r "
        "WHERE r.next_due_at <= p_now ORDER BY r.next_due_at LIMIT p_limit "
        "FOR UPDATE SKIP LOCKED) "
        "UPDATE analytics.avito_refresh r SET next_due_at = p_now + p_lease FROM due "
        "WHERE r.tenant_id = due.tenant_id AND r.channel_id = due.channel_id "
        "RETURNING r.tenant_id, r.channel_id, r.filled_from",
        writes=True),
]


def upgrade() -> None:
    # One per Avito account a report asked about: when it is due (also the lease), how far
    # back its days are filled, and what the last refresh could not fetch.
    op.execute("""
    CREATE TABLE analytics.avito_refresh (
      tenant_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      next_due_at timestamptz NOT NULL DEFAULT now(),
      filled_from date,
      refreshed_at timestamptz,
      failures integer NOT NULL DEFAULT 0,
      problems jsonb NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, channel_id))""")
    op.execute("CREATE INDEX ix_avito_refresh_due ON analytics.avito_refresh (next_due_at)")
    rls.tenant_table("analytics", "avito_refresh")
    rls.system_access("analytics", "avito_refresh", "SELECT", "UPDATE")

    # Avito's day (Moscow) of one account; money in kopecks; NULL = not fetched.
    op.execute("""
    CREATE TABLE analytics.avito_daily (
      tenant_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      day date NOT NULL,
      views bigint,
      contacts bigint,
      favorites bigint,
      spending_kopecks bigint,
      calls bigint,
      calls_answered bigint,
      fetched_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, channel_id, day))""")
    rls.tenant_table("analytics", "avito_daily")

    op.execute("""
    CREATE TABLE analytics.avito_balances (
      tenant_id uuid NOT NULL,
      channel_id uuid NOT NULL,
      real_kopecks bigint,
      bonus_kopecks bigint,
      balance_at timestamptz,
      cpa_kopecks bigint,
      cpa_at timestamptz,
      PRIMARY KEY (tenant_id, channel_id))""")
    rls.tenant_table("analytics", "avito_balances")
    rls.create_definer_functions("analytics", FUNCTIONS)


def downgrade() -> None:
    rls.drop_definer_functions("analytics", FUNCTIONS)
    for table in ("avito_balances", "avito_daily", "avito_refresh"):
        op.execute(f"DROP TABLE analytics.{table}")

"""identity: failed sign-ins, to throttle password guessing across gateway replicas

One row per key: an account from one address (sha256 of the e-mail and the address) or an
address alone (sha256 of it), with the failures counted since the window's first. No tenant
key and no RLS: a sign-in is judged before anyone knows the tenant, and a row holds only a
hash and counts (reviewed in tests/tenancy/test_rls_catalog.py). The runtime role reads and
writes it directly.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations.rls import APP_ROLE

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE identity.login_failures (
      key varchar(80) PRIMARY KEY,
      failures integer NOT NULL,
      first_failed_at timestamptz NOT NULL)""")
    op.execute("CREATE INDEX ix_login_failures_first ON identity.login_failures "
               "(first_failed_at)")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON identity.login_failures TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP TABLE identity.login_failures")

"""identity: the API's rate-limit buckets, shared by every gateway replica

One row per tenant and bucket (the tenant's requests, one credential's requests, the tenant's
GraphQL cost): the tokens left when it was last leased from and when. Replicas lease small
batches with a row lock (gateway/limits/), so one row sees a statement per batch. RLS forced:
a replica leases only for the tenant of the request it serves.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE identity.rate_buckets (
      tenant_id uuid NOT NULL,
      bucket varchar(96) NOT NULL,
      tokens double precision NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, bucket))""")
    rls.tenant_table("identity", "rate_buckets")


def downgrade() -> None:
    op.execute("DROP TABLE identity.rate_buckets")

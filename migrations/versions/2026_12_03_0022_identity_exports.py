"""identity: exports of conversations and messages (XLSX, CSV) and their files

The gateway runs an export as a job: its row carries the request, status and progress (messages
written of the range's total), the finished file is stored in chunks of at most 1 MB in
`export_chunks`, so every gateway replica can report on and serve any export. Rows expire
(`expires_at`, 24 h after the request); `purge_expired_exports()` is the one cross-tenant need:
it deletes every tenant's expired exports (chunks go with them), called when an export is
requested.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

SCHEMA = "identity"
FUNCTIONS = [rls.DefinerFunction(
    "purge_expired_exports()", "bigint",
    "WITH gone AS (DELETE FROM identity.exports e WHERE e.expires_at <= now() RETURNING 1) "
    "SELECT count(*) FROM gone",
    writes=True)]


def upgrade() -> None:
    op.execute("""
    CREATE TABLE identity.exports (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
      requested_by uuid,
      format varchar(8) NOT NULL CHECK (format IN ('xlsx', 'csv')),
      time_zone varchar(64) NOT NULL,
      range_from timestamptz NOT NULL,
      range_to timestamptz NOT NULL,
      channel_ids uuid[] NOT NULL DEFAULT '{}',
      status varchar(16) NOT NULL,
      rows_done bigint NOT NULL DEFAULT 0,
      rows_total bigint,
      error text NOT NULL DEFAULT '',
      size_bytes bigint NOT NULL DEFAULT 0,
      heartbeat_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE INDEX ix_exports_tenant ON identity.exports (tenant_id, created_at DESC)")
    op.execute("CREATE INDEX ix_exports_expires ON identity.exports (expires_at)")
    rls.tenant_table(SCHEMA, "exports")
    rls.system_access(SCHEMA, "exports", "SELECT", "DELETE")

    op.execute("""
    CREATE TABLE identity.export_chunks (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
      export_id uuid NOT NULL REFERENCES identity.exports (id) ON DELETE CASCADE,
      seq integer NOT NULL,
      data bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_export_chunks_seq "
               "ON identity.export_chunks (tenant_id, export_id, seq)")
    op.execute("CREATE INDEX ix_export_chunks_export ON identity.export_chunks (export_id)")
    rls.tenant_table(SCHEMA, "export_chunks")
    rls.create_definer_functions(SCHEMA, FUNCTIONS)


def downgrade() -> None:
    rls.drop_definer_functions(SCHEMA, FUNCTIONS)
    op.execute("DROP TABLE identity.export_chunks")
    op.execute("DROP TABLE identity.exports")

"""scheduling: platform jobs and their runs (issue #13: the scheduler drives platform jobs)

- platform_jobs: one row per job of the platform itself (channels.reconcile,
  channels.token_health, analytics.avito_statistics): interval, enabled, next_run_at, a
  request to run now, and the last run's outcome;
- platform_job_runs: one row per run, unique per (job, slot): trigger, status (running / ok /
  failed), the lease of a running one, started/finished, error and the owner's summary
  (processed / failed / remaining / detail). Pruned to a few days by the scheduler.

Tenantless on purpose: they hold no tenant's data (job names, times, counts), so no RLS and
no definer function — the runtime role reads and writes them directly; tests/tenancy lists
them as reviewed tenantless tables.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE scheduling.platform_jobs (
      name varchar(64) PRIMARY KEY,
      interval_s double precision NOT NULL CHECK (interval_s > 0),
      enabled boolean NOT NULL DEFAULT true,
      next_run_at timestamptz,
      run_requested boolean NOT NULL DEFAULT false,
      last_run_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("""
    CREATE TABLE scheduling.platform_job_runs (
      id uuid PRIMARY KEY,
      job varchar(64) NOT NULL REFERENCES scheduling.platform_jobs (name) ON DELETE CASCADE,
      slot timestamptz NOT NULL,
      trigger varchar(16) NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
      status varchar(16) NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
      lease_until timestamptz,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      error text NOT NULL DEFAULT '',
      processed integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      remaining integer NOT NULL DEFAULT 0,
      detail text NOT NULL DEFAULT '')""")
    # Exactly once per slot, whatever happens to the claims.
    op.execute("CREATE UNIQUE INDEX uq_platform_job_runs_slot "
               "ON scheduling.platform_job_runs (job, slot)")
    op.execute("CREATE INDEX ix_platform_job_runs_history "
               "ON scheduling.platform_job_runs (job, started_at DESC)")
    op.execute("CREATE INDEX ix_platform_job_runs_running ON scheduling.platform_job_runs (job) "
               "WHERE status = 'running'")
    for table in ("platform_jobs", "platform_job_runs"):
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON scheduling.{table} "
                   f"TO {rls.APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS scheduling.platform_job_runs")
    op.execute("DROP TABLE IF EXISTS scheduling.platform_jobs")

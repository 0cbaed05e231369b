"""scheduling: schedules and their runs, the claims that fire each run exactly once (issue #13)

- schedules: the rule (recurrence jsonb, local HH:MM, IANA zone), the destination (jsonb; a
  webhook's secret Fernet-encrypted apart), the report (a serialized analytics ReportSpec), the
  missed-run policy, and next_run_at (NULL while disabled);
- runs: one row per firing (unique per scheduled slot) or RunScheduleNow, worked while
  `pending` under a lease, then delivered / failed / skipped.

Cross-tenant plumbing, three definer functions (docs/tenancy.md): claim_due_schedules locks due
schedules (FOR UPDATE SKIP LOCKED) and record_runs, in the same transaction, moves their
next_run_at and inserts their runs; claim_runs leases pending runs to a worker. Scheduling
emits no events: no outbox.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

SCHEMA = "scheduling"

FUNCTIONS = [
    # The scheduler's first step: lock due schedules of every tenant (held until its commit).
    rls.DefinerFunction(
        "claim_due_schedules(p_now timestamptz, p_limit integer)",
        "TABLE (id uuid, tenant_id uuid, recurrence jsonb, local_time text, time_zone text, "
        "missed_run_policy smallint, next_run_at timestamptz)",
        "SELECT s.id, s.tenant_id, s.recurrence, s.local_time::text, s.time_zone::text, "
        "s.missed_run_policy, s.next_run_at FROM scheduling.schedules s "
        "WHERE s.enabled AND s.next_run_at <= p_now "
        "ORDER BY s.next_run_at LIMIT p_limit FOR UPDATE SKIP LOCKED",
        writes=True),
    # Its second, in the same transaction: the next slots and the runs, one statement. A slot
    # recorded already (unique index) is not recorded twice.
    rls.DefinerFunction(
        "record_runs(p_ids uuid[], p_slots timestamptz[], p_next timestamptz[], "
        "p_statuses text[], p_late boolean[], p_errors text[])",
        "TABLE (id uuid, tenant_id uuid, schedule_id uuid, status text)",
        "WITH moved AS (UPDATE scheduling.schedules s SET next_run_at = i.next, "
        "updated_at = now() FROM unnest(p_ids, p_next) AS i(id, next) WHERE s.id = i.id "
        "RETURNING s.id, s.tenant_id) "
        "INSERT INTO scheduling.runs AS r (id, tenant_id, schedule_id, trigger, scheduled_for, "
        "status, error, late, finished_at) "
        "SELECT gen_random_uuid(), m.tenant_id, i.id, 'scheduled', i.slot, i.status, i.error, "
        "i.late, CASE WHEN i.status = 'pending' THEN NULL ELSE now() END "
        "FROM unnest(p_ids, p_slots, p_statuses, p_late, p_errors) "
        "AS i(id, slot, status, late, error) JOIN moved m ON m.id = i.id "
        "ON CONFLICT (schedule_id, scheduled_for) WHERE trigger = 'scheduled' DO NOTHING "
        "RETURNING r.id, r.tenant_id, r.schedule_id, r.status::text",
        writes=True),
    # Workers: lease pending runs (new, or left by a worker that stopped) of every tenant.
    rls.DefinerFunction(
        "claim_runs(p_now timestamptz, p_lease interval, p_limit integer)",
        "TABLE (id uuid, tenant_id uuid, schedule_id uuid, claims integer)",
        "WITH due AS (SELECT r.id FROM scheduling.runs r WHERE r.status = 'pending' "
        "AND (r.lease_until IS NULL OR r.lease_until <= p_now) "
        "ORDER BY r.created_at LIMIT p_limit FOR UPDATE SKIP LOCKED) "
        "UPDATE scheduling.runs r SET lease_until = p_now + p_lease, claims = r.claims + 1 "
        "FROM due WHERE r.id = due.id RETURNING r.id, r.tenant_id, r.schedule_id, r.claims",
        writes=True),
]


def upgrade() -> None:
    rls.create_schema(SCHEMA)
    op.execute("""
    CREATE TABLE scheduling.schedules (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      name varchar(200) NOT NULL,
      recurrence jsonb NOT NULL,
      local_time varchar(5) NOT NULL,
      time_zone varchar(64) NOT NULL,
      destination jsonb NOT NULL,
      webhook_secret_enc bytea,
      report bytea NOT NULL DEFAULT '',
      missed_run_policy smallint NOT NULL DEFAULT 1,
      enabled boolean NOT NULL DEFAULT true,
      next_run_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE INDEX ix_schedules_page ON scheduling.schedules (tenant_id, created_at, id)")
    op.execute("CREATE INDEX ix_schedules_due ON scheduling.schedules (next_run_at) WHERE enabled")
    rls.tenant_table(SCHEMA, "schedules")
    rls.system_access(SCHEMA, "schedules", "SELECT", "UPDATE")

    op.execute("""
    CREATE TABLE scheduling.runs (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      schedule_id uuid NOT NULL REFERENCES scheduling.schedules (id) ON DELETE CASCADE,
      trigger varchar(16) NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
      scheduled_for timestamptz NOT NULL,
      status varchar(16) NOT NULL
        CHECK (status IN ('pending', 'delivered', 'failed', 'skipped')),
      error text NOT NULL DEFAULT '',
      attempts integer NOT NULL DEFAULT 0,
      claims integer NOT NULL DEFAULT 0,
      late boolean NOT NULL DEFAULT false,
      partial boolean NOT NULL DEFAULT false,
      lease_until timestamptz,
      started_at timestamptz,
      finished_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())""")
    # Exactly once per slot, whatever happens to the claims.
    op.execute("CREATE UNIQUE INDEX uq_runs_slot ON scheduling.runs (schedule_id, scheduled_for) "
               "WHERE trigger = 'scheduled'")
    op.execute("CREATE INDEX ix_runs_history "
               "ON scheduling.runs (tenant_id, schedule_id, created_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_runs_pending ON scheduling.runs (created_at) "
               "WHERE status = 'pending'")
    rls.tenant_table(SCHEMA, "runs")
    rls.system_access(SCHEMA, "runs", "SELECT", "UPDATE")
    # record_runs inserts runs for the schedules it claimed: INSERT policies take WITH CHECK
    # only (system_access writes USING), so this one is spelled out.
    op.execute(f"CREATE POLICY system_insert ON scheduling.runs FOR INSERT TO {rls.SYSTEM_ROLE} "
               f"WITH CHECK (current_user = '{rls.SYSTEM_ROLE}')")
    op.execute(f"GRANT INSERT ON scheduling.runs TO {rls.SYSTEM_ROLE}")
    rls.create_definer_functions(SCHEMA, FUNCTIONS)


def downgrade() -> None:
    rls.drop_definer_functions(SCHEMA, FUNCTIONS)
    rls.drop_schema(SCHEMA)

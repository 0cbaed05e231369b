"""integrations: outgoing webhooks (issue #16) — endpoints, the events they are sent, every
delivery and attempt, and the outbox of the breaker's events

- endpoints: URL, description, subscribed event types (empty = all), the signing secret
  (Fernet-encrypted) and, after a rotation, the previous one until it expires; the circuit
  breaker's state (consecutive failures since when, paused with a probe time);
- events: each public event once per tenant (id = the bus message's Nats-Msg-Id), type,
  conversation, time, the `data` payload; kept 30 days;
- deliveries: one per (endpoint, event) — unique, so a redelivered bus message makes no second
  one — plus replays (replay_of set); `position` orders a conversation's deliveries (the
  stream sequence); pending ones are leased to a dispatcher;
- attempts: every HTTP try (status, latency, error, the first 1 KiB of the answer).

Cross-tenant plumbing (docs/tenancy.md): claim_deliveries leases due deliveries of every tenant
(FOR UPDATE SKIP LOCKED, per-endpoint caps, a conversation's earlier deliveries first, a paused
endpoint's one probe); paused_endpoints counts for a gauge; purge_events drops old events.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

SCHEMA = "integrations"

# Due pending deliveries of enabled endpoints, none whose conversation has an earlier pending
# delivery to the same endpoint; at most p_per_endpoint in flight per endpoint (one for a
# paused endpoint whose probe time came: its probe, whatever its own backoff says, so the
# probe goes at the time the API shows); spread over endpoints (rank first).
_CLAIM = (
    "WITH busy AS (SELECT b.endpoint_id, count(*) AS n FROM integrations.deliveries b "
    "WHERE b.status = 'pending' AND b.lease_until > p_now GROUP BY b.endpoint_id), "
    "candidates AS (SELECT d.id, d.next_attempt_at, e.state, e.id AS endpoint_id, "
    "row_number() OVER (PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.position, "
    "d.created_at, d.id) AS rank "
    "FROM integrations.deliveries d JOIN integrations.endpoints e ON e.id = d.endpoint_id "
    "WHERE d.status = 'pending' AND (d.next_attempt_at <= p_now OR e.state = 'paused') "
    "AND (d.lease_until IS NULL OR d.lease_until <= p_now) AND e.enabled "
    "AND (e.state = 'active' OR e.breaker_probe_at <= p_now) "
    "AND NOT EXISTS (SELECT 1 FROM integrations.deliveries p WHERE p.endpoint_id = d.endpoint_id "
    "AND p.conversation_id = d.conversation_id AND p.status = 'pending' "
    "AND (p.position, p.created_at, p.id) < (d.position, d.created_at, d.id))), "
    "picked AS (SELECT c.id FROM candidates c LEFT JOIN busy ON busy.endpoint_id = c.endpoint_id "
    "WHERE c.rank <= CASE WHEN c.state = 'active' THEN p_per_endpoint ELSE 1 END "
    "- coalesce(busy.n, 0) ORDER BY c.rank, c.next_attempt_at LIMIT p_limit), "
    "locked AS (SELECT d.id FROM integrations.deliveries d JOIN picked ON picked.id = d.id "
    "WHERE d.status = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= p_now) "
    "FOR UPDATE OF d SKIP LOCKED) "
    "UPDATE integrations.deliveries d SET lease_until = p_now + p_lease FROM locked "
    "WHERE d.id = locked.id RETURNING d.id, d.tenant_id, d.endpoint_id")

FUNCTIONS = [
    rls.DefinerFunction(
        "claim_deliveries(p_now timestamptz, p_lease interval, p_limit integer, "
        "p_per_endpoint integer)",
        "TABLE (id uuid, tenant_id uuid, endpoint_id uuid)", _CLAIM, writes=True),
    # The paused-endpoints gauge (a count, nothing of any tenant).
    rls.DefinerFunction(
        "paused_endpoints()", "bigint",
        "SELECT count(*) FROM integrations.endpoints e WHERE e.enabled AND e.state = 'paused'"),
    # Retention: events older than the cutoff with nothing pending go, their log with them.
    rls.DefinerFunction(
        "purge_events(p_before timestamptz)", "bigint",
        "WITH gone AS (DELETE FROM integrations.events v WHERE v.occurred_at < p_before "
        "AND NOT EXISTS (SELECT 1 FROM integrations.deliveries d WHERE d.event_id = v.id "
        "AND d.status = 'pending') RETURNING 1) SELECT count(*) FROM gone",
        writes=True),
]


def upgrade() -> None:
    rls.create_schema(SCHEMA)
    op.execute("""
    CREATE TABLE integrations.endpoints (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      url varchar(2048) NOT NULL,
      description varchar(500) NOT NULL DEFAULT '',
      event_types text[] NOT NULL DEFAULT '{}',
      secret_enc bytea NOT NULL,
      previous_secret_enc bytea,
      previous_secret_expires_at timestamptz,
      enabled boolean NOT NULL DEFAULT true,
      state varchar(16) NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
      consecutive_failures integer NOT NULL DEFAULT 0,
      failing_since timestamptz,
      pauses integer NOT NULL DEFAULT 0,
      paused_reason text NOT NULL DEFAULT '',
      paused_at timestamptz,
      breaker_probe_at timestamptz,
      last_success_at timestamptz,
      retry_window_s bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE INDEX ix_endpoints_page ON integrations.endpoints (tenant_id, created_at, id)")
    rls.tenant_table(SCHEMA, "endpoints")
    rls.system_access(SCHEMA, "endpoints", "SELECT")

    op.execute("""
    CREATE TABLE integrations.events (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      type varchar(64) NOT NULL,
      conversation_id uuid,
      position bigint NOT NULL DEFAULT 0,
      occurred_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE INDEX ix_events_tenant ON integrations.events (tenant_id, occurred_at)")
    op.execute("CREATE INDEX ix_events_age ON integrations.events (occurred_at)")
    rls.tenant_table(SCHEMA, "events")
    rls.system_access(SCHEMA, "events", "SELECT", "DELETE")

    op.execute("""
    CREATE TABLE integrations.deliveries (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      endpoint_id uuid NOT NULL REFERENCES integrations.endpoints (id) ON DELETE CASCADE,
      event_id uuid NOT NULL REFERENCES integrations.events (id) ON DELETE CASCADE,
      event_type varchar(64) NOT NULL,
      conversation_id uuid,
      position bigint NOT NULL DEFAULT 0,
      event_occurred_at timestamptz NOT NULL,
      status varchar(16) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_response_status integer NOT NULL DEFAULT 0,
      last_latency_ms integer NOT NULL DEFAULT 0,
      last_error text NOT NULL DEFAULT '',
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      delivered_at timestamptz,
      replay_of uuid REFERENCES integrations.deliveries (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now())""")
    # A redelivered bus message (or a second fan-out) makes no second delivery.
    op.execute("CREATE UNIQUE INDEX uq_deliveries_event ON integrations.deliveries "
               "(endpoint_id, event_id) WHERE replay_of IS NULL")
    op.execute("CREATE INDEX ix_deliveries_log "
               "ON integrations.deliveries (tenant_id, created_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_deliveries_due ON integrations.deliveries (next_attempt_at) "
               "WHERE status = 'pending'")
    op.execute("CREATE INDEX ix_deliveries_order ON integrations.deliveries "
               "(endpoint_id, conversation_id, position) WHERE status = 'pending'")
    op.execute("CREATE INDEX ix_deliveries_event ON integrations.deliveries (event_id)")
    rls.tenant_table(SCHEMA, "deliveries")
    rls.system_access(SCHEMA, "deliveries", "SELECT", "UPDATE")

    op.execute("""
    CREATE TABLE integrations.attempts (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      delivery_id uuid NOT NULL REFERENCES integrations.deliveries (id) ON DELETE CASCADE,
      number integer NOT NULL,
      started_at timestamptz NOT NULL,
      response_status integer NOT NULL DEFAULT 0,
      latency_ms integer NOT NULL DEFAULT 0,
      error text NOT NULL DEFAULT '',
      response_body text NOT NULL DEFAULT '')""")
    op.execute("CREATE INDEX ix_attempts_delivery ON integrations.attempts "
               "(tenant_id, delivery_id, number)")
    rls.tenant_table(SCHEMA, "attempts")

    rls.outbox_table(SCHEMA)
    rls.create_definer_functions(SCHEMA, [*rls.outbox_functions(SCHEMA), *FUNCTIONS])


def downgrade() -> None:
    rls.drop_definer_functions(SCHEMA, [*rls.outbox_functions(SCHEMA), *FUNCTIONS])
    rls.drop_schema(SCHEMA)

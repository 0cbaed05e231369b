"""kernel: the runtime role can become no other role; cross-tenant needs are definer functions

Until now the runtime role could `set_config('role', 'switchboard_system', true)` and read, with
no tenant bound, whatever the system role's policies allow: every tenant's users, key hashes,
sessions and channel accounts. Now each cross-tenant need is one SECURITY DEFINER function
owned by the system role (NOLOGIN, no members), returning exactly what its caller needs for one
row or one batch, executable by the runtime role alone; the membership is revoked.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

from migrations import rls
from migrations.rls import DefinerFunction

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

IDENTITY = [
    # The gateway's bearer check: the key's tenant, scopes and secret hash, by its public id.
    DefinerFunction(
        "api_key_credential(p_key_id text)",
        "TABLE (id uuid, tenant_id uuid, secret_sha256 text, scopes text[])",
        "SELECT k.id, k.tenant_id, k.secret_sha256::text, k.scopes::text[] "
        "FROM identity.api_keys k WHERE k.key_id = p_key_id AND k.revoked_at IS NULL"),
    # The session cookie (by its hash): whose it is; `live` = unexpired, of an enabled user.
    DefinerFunction(
        "session_credential(p_token_sha256 text)",
        "TABLE (session_id uuid, tenant_id uuid, user_id uuid, role text, "
        "expires_at timestamptz, live boolean)",
        "SELECT s.id, s.tenant_id, s.user_id, u.role::text, s.expires_at, "
        "s.expires_at > now() AND u.disabled_at IS NULL "
        "FROM identity.sessions s JOIN identity.users u "
        "ON u.id = s.user_id AND u.tenant_id = s.tenant_id "
        "WHERE s.token_sha256 = p_token_sha256 AND s.revoked_at IS NULL"),
    # A login names no tenant: the user with this address and the hash to verify.
    DefinerFunction(
        "login_credential(p_email text)",
        "TABLE (user_id uuid, tenant_id uuid, password_hash text, role text, disabled boolean)",
        "SELECT u.id, u.tenant_id, u.password_hash::text, u.role::text, u.disabled_at IS NOT NULL "
        "FROM identity.users u WHERE lower(u.email) = lower(p_email)"),
    # A new tenant's owner: is the address taken anywhere (the unique index decides races)?
    DefinerFunction(
        "email_registered(p_email text)", "boolean",
        "SELECT EXISTS (SELECT FROM identity.users u WHERE lower(u.email) = lower(p_email))"),
]

CHANNELS = [
    # ResolveWebhook: who owns a webhook URL and how to check it (the secret stays encrypted).
    DefinerFunction(
        "webhook_target(p_channel_id uuid)",
        "TABLE (tenant_id uuid, kind smallint, status smallint, webhook_token_sha256 text, "
        "signing_secret_enc bytea)",
        "SELECT a.tenant_id, a.kind, a.status, a.webhook_token_sha256::text, a.signing_secret_enc "
        "FROM channels.channel_accounts a WHERE a.id = p_channel_id"),
    # The Avito consent callback: the tenant its state belongs to (the rest is read as it).
    DefinerFunction(
        "oauth_state_tenant(p_state_sha256 text)", "uuid",
        "SELECT s.tenant_id FROM channels.oauth_states s WHERE s.state_sha256 = p_state_sha256"),
    # The sync scheduler: lease due accounts of every tenant, one statement per batch.
    DefinerFunction(
        "claim_due_syncs(p_now timestamptz, p_limit integer, p_lease interval, "
        "p_exclude uuid[])",
        "TABLE (id uuid, tenant_id uuid, channel_id uuid, lease_until timestamptz, "
        "synced_until bigint, backfilled_at timestamptz, last_synced_at timestamptz, "
        "created_at timestamptz)",
        "WITH due AS (SELECT s.id FROM channels.sync_state s "
        "WHERE s.next_due_at <= p_now AND s.channel_id <> ALL (coalesce(p_exclude, '{}')) "
        "ORDER BY s.next_due_at LIMIT p_limit FOR UPDATE SKIP LOCKED) "
        "UPDATE channels.sync_state s SET next_due_at = p_now + p_lease, updated_at = now() "
        "FROM due WHERE s.id = due.id "
        "RETURNING s.id, s.tenant_id, s.channel_id, s.next_due_at, s.synced_until, "
        "s.backfilled_at, s.last_synced_at, s.created_at",
        writes=True),
    # CatchUp (after the gateway could not hand webhooks on): every connected account that had
    # a webhook since `p_since` and is not due yet is made due now; how many, nothing else.
    DefinerFunction(
        "catch_up_syncs(p_since timestamptz)", "bigint",
        "WITH recent AS (SELECT s.id FROM channels.sync_state s "
        "JOIN channels.channel_accounts a ON a.id = s.channel_id AND a.tenant_id = s.tenant_id "
        "WHERE a.status = 1 AND a.last_webhook_at >= p_since AND s.next_due_at > now() "
        "FOR UPDATE OF s SKIP LOCKED), "
        "moved AS (UPDATE channels.sync_state s SET next_due_at = now(), updated_at = now() "
        "FROM recent WHERE s.id = recent.id RETURNING 1) "
        "SELECT count(*) FROM moved",
        writes=True),
    # Its overdue gauge: a count, nothing of any row.
    DefinerFunction(
        "overdue_syncs(p_now timestamptz, p_grace interval)", "bigint",
        "SELECT count(*) FROM channels.sync_state s WHERE s.next_due_at < p_now - p_grace"),
]

AGENT = [
    # The debounce scheduler: lease due waits of every tenant, one statement per batch.
    DefinerFunction(
        "claim_due_replies(p_now timestamptz, p_lease interval, p_limit integer)",
        "TABLE (id uuid, tenant_id uuid, conversation_id uuid, channel_id uuid, "
        "revision integer, attempts integer, message_ids uuid[], first_unanswered_at timestamptz)",
        "WITH due AS (SELECT p.id FROM agent.pending_replies p WHERE p.due_at <= p_now "
        "AND (p.locked_until IS NULL OR p.locked_until <= p_now) "
        "ORDER BY p.due_at LIMIT p_limit FOR UPDATE SKIP LOCKED) "
        "UPDATE agent.pending_replies p SET locked_until = p_now + p_lease, "
        "attempts = p.attempts + 1 FROM due WHERE p.id = due.id "
        "RETURNING p.id, p.tenant_id, p.conversation_id, p.channel_id, p.revision, p.attempts, "
        "p.message_ids, p.first_unanswered_at",
        writes=True),
    # When it should wake: the earliest unleased due time, nothing of any row.
    DefinerFunction(
        "next_reply_due(p_now timestamptz)", "timestamptz",
        "SELECT min(p.due_at) FROM agent.pending_replies p "
        "WHERE p.locked_until IS NULL OR p.locked_until <= p_now"),
]

FUNCTIONS = {
    "identity": IDENTITY,
    "channels": CHANNELS + rls.outbox_functions("channels"),
    "conversations": rls.outbox_functions("conversations"),
    "agent": AGENT + rls.outbox_functions("agent"),
}


def upgrade() -> None:
    for schema, functions in FUNCTIONS.items():
        rls.create_definer_functions(schema, functions)
    op.execute(f"REVOKE {rls.SYSTEM_ROLE} FROM {rls.APP_ROLE}")
    # Fail the upgrade rather than leave a way out of RLS: a grant made by another grantor
    # (REVOKE only takes back the current role's) or by an operator must go by hand.
    op.execute(f"""
    DO $$ DECLARE roles text; BEGIN
      SELECT string_agg(m.roleid::regrole::text, ', ') INTO roles
      FROM pg_auth_members m WHERE m.member = '{rls.APP_ROLE}'::regrole;
      IF roles IS NOT NULL THEN
        RAISE EXCEPTION '{rls.APP_ROLE} is a member of %: REVOKE it; the runtime role must be '
                        'able to become no other role', roles;
      END IF;
    END $$""")


def downgrade() -> None:
    # Roles are cluster-wide: this gives the membership back to every database on the server.
    op.execute(f"GRANT {rls.SYSTEM_ROLE} TO {rls.APP_ROLE} WITH INHERIT FALSE, SET TRUE")
    for schema, functions in reversed(FUNCTIONS.items()):
        rls.drop_definer_functions(schema, functions)

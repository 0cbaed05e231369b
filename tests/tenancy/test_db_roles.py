"""The runtime role can become no other role, reads nothing anywhere with no tenant bound, and
reaches across tenants only through the SECURITY DEFINER functions of migration 0011, each of
which returns its one narrow result (docs/tenancy.md, docs/adr/0002-…). The claims those
functions make across tenants: test_db_roles_claims.py.

A database of its own (tests/tenancy/seeded.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text

from gateway.identity.repository import IdentityRepository
from migrations.rls import APP_ROLE
from services.channels.repository import AccountsRepository, OAuthStatesRepository
from services.kernel.db import Database
from switchboard.devstack.database import runtime_url
from tests.tenancy.seeded import OUTBOXES, Seeded, seeded_fixtures, sha

SCHEMAS = ("identity", "channels", "conversations", "agent", "analytics", "scheduling",
           "integrations")
# Every definer function and exactly what it returns: widening one is a change of this list.
DEFINERS = {
    "identity.api_key_credential(text)":
        "TABLE(id uuid, tenant_id uuid, secret_sha256 text, scopes text[], "
        "expires_at timestamp with time zone)",
    "identity.session_credential(text)":
        "TABLE(session_id uuid, tenant_id uuid, user_id uuid, role text, "
        "expires_at timestamp with time zone, live boolean)",
    "identity.login_credential(text)":
        "TABLE(user_id uuid, tenant_id uuid, password_hash text, role text, disabled boolean)",
    "identity.email_registered(text)": "boolean",
    "channels.webhook_target(uuid)":
        "TABLE(tenant_id uuid, kind smallint, status smallint, webhook_token_sha256 text, "
        "signing_secret_enc bytea)",
    "channels.oauth_state_tenant(text)": "uuid",
    "channels.claim_due_syncs(timestamp with time zone,integer,interval,uuid[])":
        "TABLE(id uuid, tenant_id uuid, channel_id uuid, lease_until timestamp with time zone, "
        "synced_until bigint, backfilled_at timestamp with time zone, "
        "last_synced_at timestamp with time zone, created_at timestamp with time zone)",
    "channels.overdue_syncs(timestamp with time zone,interval)": "bigint",
    "channels.claim_token_checks(timestamp with time zone,integer,interval)":
        "TABLE(id uuid, tenant_id uuid)",
    "channels.catch_up_syncs(timestamp with time zone)": "bigint",
    "conversations.snoozed_due(timestamp with time zone,integer)":
        "TABLE(tenant_id uuid, id uuid)",
    "channels.telegram_webhook_target(uuid)":
        "TABLE(tenant_id uuid, webhook_secret_sha256 text, status smallint, delivery smallint)",
    "channels.telegram_bot_tenant(bigint)": "uuid",
    "channels.telegram_channel_tenant(text)": "uuid",
    "identity.purge_expired_exports()": "bigint",
    "channels.telegram_bot_credentials(uuid,integer)":
        "TABLE(id uuid, tenant_id uuid, telegram_id bigint, username text, token_enc bytea, "
        "delivery smallint, runner_api_key_enc bytea, group_chat_id bigint)",
    "agent.claim_due_replies(timestamp with time zone,interval,integer)":
        "TABLE(id uuid, tenant_id uuid, conversation_id uuid, channel_id uuid, revision integer, "
        "attempts integer, message_ids uuid[], first_unanswered_at timestamp with time zone)",
    "agent.next_reply_due(timestamp with time zone)": "timestamp with time zone",
    "analytics.claim_due_avito_refresh(timestamp with time zone,integer,interval)":
        "TABLE(tenant_id uuid, channel_id uuid, filled_from date)",
    "scheduling.claim_due_schedules(timestamp with time zone,integer)":
        "TABLE(id uuid, tenant_id uuid, recurrence jsonb, local_time text, time_zone text, "
        "missed_run_policy smallint, next_run_at timestamp with time zone)",
    "scheduling.record_runs(uuid[],timestamp with time zone[],timestamp with time zone[],"
    "text[],boolean[],text[])": "TABLE(id uuid, tenant_id uuid, schedule_id uuid, status text)",
    "scheduling.claim_runs(timestamp with time zone,interval,integer)":
        "TABLE(id uuid, tenant_id uuid, schedule_id uuid, claims integer)",
    "integrations.claim_deliveries(timestamp with time zone,interval,integer,integer)":
        "TABLE(id uuid, tenant_id uuid, endpoint_id uuid)",
    "integrations.paused_endpoints()": "bigint",
    "integrations.purge_events(timestamp with time zone)": "bigint",
    **{signature: result for schema in (*OUTBOXES, "integrations") for signature, result in {
        f"{schema}.outbox_claim(integer)":
            "TABLE(id uuid, subject text, event_type text, payload bytea, headers jsonb, "
            "created_at timestamp with time zone)",
        f"{schema}.outbox_delete(uuid[])": "bigint",
        f"{schema}.outbox_backlog()": "TABLE(waiting bigint, oldest timestamp with time zone)",
    }.items()},
}

owner_url, db, a, b = seeded_fixtures()


@pytest.fixture
async def owner(owner_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(owner_url)
    yield conn
    await conn.close()


@pytest.fixture
async def app(owner_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(runtime_url(owner_url))
    yield conn
    await conn.close()


# --- the runtime role ------------------------------------------------------------------------

async def test_the_runtime_role_is_a_member_of_no_role(owner: asyncpg.Connection) -> None:
    memberships = await owner.fetch(
        "SELECT roleid::regrole::text FROM pg_auth_members WHERE member = $1::regrole", APP_ROLE)
    assert [r[0] for r in memberships] == []


async def test_the_runtime_role_can_become_no_role(owner: asyncpg.Connection,
                                                   app: asyncpg.Connection) -> None:
    roles = [r[0] for r in await owner.fetch(
        "SELECT rolname FROM pg_roles WHERE rolname <> $1 ORDER BY rolname", APP_ROLE)]
    assert "switchboard_system" in roles and "postgres" in roles
    attempts = [f'SET ROLE "{role}"' for role in roles]
    attempts += [f"SELECT set_config('role', '{role}', true)" for role in roles]
    attempts += [f"SELECT set_config('role', '{role}', false)" for role in roles]
    attempts += ['SET SESSION AUTHORIZATION "postgres"']
    for attempt in attempts:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with app.transaction():
                await app.execute(attempt)
    assert await app.fetchval("SELECT current_user") == APP_ROLE


async def test_with_no_tenant_bound_nothing_is_readable_anywhere(
        owner: asyncpg.Connection, app: asyncpg.Connection, a: Seeded, b: Seeded) -> None:
    tables = [f"{r[0]}.{r[1]}" for r in await owner.fetch(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname = ANY($1::text[])", list(SCHEMAS))]
    assert len(tables) >= 20
    seen_by_owner = {t for t in tables if await owner.fetchval(f"SELECT count(*) FROM {t}")}
    assert len(seen_by_owner) >= 11  # the seeded tables have rows: nothing vacuous below
    for table in tables:
        # A connection as it comes (nothing bound) and one bound to ''. Neither sees a row.
        assert await app.fetchval(f"SELECT count(*) FROM {table}") == 0, table
        async with app.transaction():
            await app.execute("SELECT set_config('app.tenant_id', '', true)")
            assert await app.fetchval(f"SELECT count(*) FROM {table}") == 0, table


@pytest.mark.parametrize("call", [
    "SELECT * FROM identity.api_key_credential('%')",
    "SELECT * FROM identity.api_key_credential(NULL)",
    "SELECT * FROM identity.session_credential('%')",
    "SELECT * FROM identity.login_credential('%')",
    "SELECT * FROM identity.login_credential('')",
    "SELECT * FROM channels.webhook_target(NULL)",
    "SELECT channels.oauth_state_tenant('%') WHERE channels.oauth_state_tenant('%') IS NOT NULL",
])
async def test_no_argument_widens_a_lookup(app: asyncpg.Connection, a: Seeded, b: Seeded,
                                           call: str) -> None:
    assert await app.fetch(call) == []


# --- what each function returns ---------------------------------------------------------------

async def test_the_definer_functions_and_their_results_are_exactly_these(
        owner: asyncpg.Connection) -> None:
    rows = await owner.fetch("""
        SELECT p.oid::regprocedure::text AS signature, pg_get_function_result(p.oid) AS result
        FROM pg_proc p WHERE p.prosecdef""")
    assert {r["signature"]: r["result"] for r in rows} == DEFINERS


async def test_credential_lookups_return_one_tenants_row(db: Database, a: Seeded, b: Seeded) -> None:
    async with db.unscoped_unit_of_work() as session:
        repo = IdentityRepository(session)
        key = await repo.api_key_credential(a.key_id)
        assert key is not None and (key.id, key.tenant_id, key.scopes) == (
            a.key_uuid, a.tenant, ["read", "write"])
        assert (await repo.api_key_credential(b.key_id)).tenant_id == b.tenant  # type: ignore[union-attr]
        assert await repo.api_key_credential("unknown") is None
        found = await repo.session_credential(a.token_sha256)
        assert found is not None and (found.session_id, found.tenant_id, found.user_id,
                                      found.role, found.live) == (
            a.session_id, a.tenant, a.user_id, "owner", True)
        login = await repo.login_credential(a.email.upper())
        assert login is not None and (login.user_id, login.tenant_id, login.disabled) == (
            a.user_id, a.tenant, False)
        assert await repo.email_taken(a.email.lower()) is True
        assert await repo.email_taken("nobody@example.com") is False
        webhook = await AccountsRepository(session).webhook_account(a.channel)
        assert webhook is not None and (webhook.tenant_id, webhook.status,
                                        webhook.webhook_token_sha256) == (a.tenant, 1, "token-hash")
        assert await AccountsRepository(session).webhook_account(uuid.uuid4()) is None
        assert await OAuthStatesRepository(session).tenant_of(a.state_sha256) == a.tenant
        assert await OAuthStatesRepository(session).tenant_of(sha("x")) is None


async def test_revoked_keys_and_ended_sessions_are_not_found(db: Database, a: Seeded) -> None:
    async with db.unit_of_work(a.tenant) as session:
        await session.execute(text("UPDATE identity.api_keys SET revoked_at = now()"))
        await session.execute(text("UPDATE identity.sessions SET expires_at = now()"))
    async with db.unscoped_unit_of_work() as session:
        repo = IdentityRepository(session)
        assert await repo.api_key_credential(a.key_id) is None
        expired = await repo.session_credential(a.token_sha256)
        assert expired is not None and expired.live is False  # logout may still end it
    async with db.unit_of_work(a.tenant) as session:
        await session.execute(text("UPDATE identity.sessions SET revoked_at = now()"))
    async with db.unscoped_unit_of_work() as session:
        assert await IdentityRepository(session).session_credential(a.token_sha256) is None

"""The runtime role can become no other role, reads nothing anywhere with no tenant bound, and
reaches across tenants only through the SECURITY DEFINER functions of migration 0011, each of
which returns its one narrow result (docs/tenancy.md, docs/adr/0002-…).

A database of its own: the session platform's relays and schedulers would take this module's
outbox rows and due rows from under it."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy import event, text

from gateway.identity.repository import IdentityRepository
from migrations.rls import APP_ROLE
from services.agent.answering.repository import PendingRepository
from services.channels.repository import AccountsRepository, OAuthStatesRepository
from services.channels.sync.repository import SyncStateRepository
from services.conversations.repository import ConversationRepository
from services.kernel.db import Database
from services.kernel.outbox import RelayRepository
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.postgres import EmbeddedPostgres

SCHEMAS = ("identity", "channels", "conversations", "agent", "analytics", "scheduling")
OUTBOXES = ("channels", "conversations", "agent")
# Every definer function and exactly what it returns: widening one is a change of this list.
DEFINERS = {
    "identity.api_key_credential(text)":
        "TABLE(id uuid, tenant_id uuid, secret_sha256 text, scopes text[])",
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
    **{signature: result for schema in OUTBOXES for signature, result in {
        f"{schema}.outbox_claim(integer)":
            "TABLE(id uuid, subject text, event_type text, payload bytea, headers jsonb, "
            "created_at timestamp with time zone)",
        f"{schema}.outbox_delete(uuid[])": "bigint",
        f"{schema}.outbox_backlog()": "TABLE(waiting bigint, oldest timestamp with time zone)",
    }.items()},
}


@dataclass(frozen=True)
class Seeded:
    """One tenant's rows in the tables the definer functions read."""

    tenant: uuid.UUID
    email: str
    key_id: str
    key_uuid: uuid.UUID
    token_sha256: str
    user_id: uuid.UUID
    session_id: uuid.UUID
    channel: uuid.UUID
    state_sha256: str


@pytest.fixture(scope="module")
async def owner_url(postgres: EmbeddedPostgres) -> str:
    name = f"db_roles_{uuid.uuid4().hex[:8]}"
    await ensure_database(postgres.url(), name)
    await migrate_database(postgres.url(name))
    return postgres.url(name)


@pytest.fixture(scope="module")
async def db(owner_url: str) -> AsyncIterator[Database]:
    database = Database(runtime_url(owner_url), pool_size=3)
    yield database
    await database.dispose()


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


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def _seed(db: Database, *, due: bool = True) -> Seeded:
    """A tenant with a user, a key, a session, a channel, a consent request, a sync row, a
    pending reply and an event in every outbox, written as the tenant itself."""
    tenant, token = uuid.uuid4(), uuid.uuid4().hex
    s = Seeded(tenant=tenant, email=f"{uuid.uuid4().hex[:10]}@Example.com",
               key_id=uuid.uuid4().hex[:16], key_uuid=uuid.uuid4(), token_sha256=_sha(token),
               user_id=uuid.uuid4(), session_id=uuid.uuid4(), channel=uuid.uuid4(),
               state_sha256=_sha(uuid.uuid4().hex))
    when = "now() - interval '1 hour'" if due else "now() + interval '1 day'"
    statements = [
        "INSERT INTO identity.tenants (id, name) VALUES (:t, 'shop')",
        "INSERT INTO identity.users (id, tenant_id, email, password_hash, role) "
        "VALUES (:user, :t, :email, 'argon2-hash', 'owner')",
        "INSERT INTO identity.api_keys (id, tenant_id, name, key_id, secret_sha256, scopes) "
        "VALUES (:key_uuid, :t, 'k', :key_id, 'secret-hash', '{read,write}')",
        "INSERT INTO identity.sessions (id, tenant_id, user_id, token_sha256, expires_at) "
        "VALUES (:session, :t, :user, :token, now() + interval '1 day')",
        "INSERT INTO channels.channel_accounts (id, tenant_id, kind, name, status, "
        "external_account_id, api_base_url, client_id, client_secret_enc, webhook_token_sha256, "
        "webhook_token_enc, public_base_url, signing_secret_enc) VALUES (:channel, :t, 1, 'shop', "
        "1, :key_id, 'http://x', 'client', 'enc', 'token-hash', 'enc', 'http://x', 'signing')",
        "INSERT INTO channels.oauth_states (id, tenant_id, state_sha256, name, api_base_url, "
        "public_base_url, expires_at) VALUES (gen_random_uuid(), :t, :state, 'shop', 'http://x', "
        "'http://x', now() + interval '10 minutes')",
        f"INSERT INTO channels.sync_state (id, tenant_id, channel_id, next_due_at) "
        f"VALUES (gen_random_uuid(), :t, :channel, {when})",
        f"INSERT INTO agent.pending_replies (id, tenant_id, conversation_id, channel_id, "
        f"first_unanswered_at, last_buyer_message_at, due_at, message_ids) VALUES "
        f"(gen_random_uuid(), :t, gen_random_uuid(), :channel, now(), now(), {when}, "
        f"ARRAY[gen_random_uuid()])",
    ] + [f"INSERT INTO {schema}.outbox (id, tenant_id, subject, event_type, payload, headers) "
         f"VALUES (gen_random_uuid(), :t, 'sb.{schema}.{tenant}.x.y', 'e', 'payload', "
         f"'{{\"Nats-Msg-Id\": \"m\"}}')" for schema in OUTBOXES]
    params = {"t": tenant, "user": s.user_id, "email": s.email, "key_uuid": s.key_uuid,
              "key_id": s.key_id, "session": s.session_id, "token": s.token_sha256,
              "channel": s.channel, "state": s.state_sha256}
    async with db.unit_of_work(tenant) as session:
        for sql in statements:
            await session.execute(text(sql), params)
    return s


@pytest.fixture
async def a(db: Database) -> Seeded:
    return await _seed(db)


@pytest.fixture
async def b(db: Database) -> Seeded:
    return await _seed(db)


@pytest.fixture
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements the runtime sends while the test runs."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine.sync_engine, "before_cursor_execute", record)


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
        assert await OAuthStatesRepository(session).tenant_of(_sha("x")) is None


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


async def test_sync_claims_lease_due_rows_of_every_tenant_in_one_statement(
        db: Database, a: Seeded, b: Seeded, statements: list[str]) -> None:
    later = await _seed(db, due=False)
    now = datetime.now(UTC)
    async with db.unscoped_unit_of_work() as session:
        statements.clear()
        claims = await SyncStateRepository(session).claim_due(now, 100, 300.0, [b.channel])
        assert len([s for s in statements if "claim_due_syncs" in s]) == 1
        assert len(statements) == 2  # binding no tenant, then the claim: nothing per row
    leased = {c.channel_id: c for c in claims}
    assert a.channel in leased and b.channel not in leased and later.channel not in leased
    assert leased[a.channel].tenant_id == a.tenant
    assert leased[a.channel].lease_until == now + timedelta(seconds=300)
    async with db.unscoped_unit_of_work() as session:  # leased: not due again until it ends
        again = await SyncStateRepository(session).claim_due(now, 100, 300.0, [])
        assert a.channel not in {c.channel_id for c in again}
        assert await SyncStateRepository(session).overdue(now + timedelta(hours=1), 60) >= 1


async def test_token_check_claims_lease_active_avito_accounts_of_every_tenant(
        db: Database, a: Seeded, b: Seeded, statements: list[str]) -> None:
    now = datetime.now(UTC)
    async with db.unit_of_work(b.tenant) as session:  # b's account: disconnected, not due
        await session.execute(text("UPDATE channels.channel_accounts SET status = 2 "
                                   "WHERE id = :id"), {"id": b.channel})
    async with db.unscoped_unit_of_work() as session:
        statements.clear()
        claims = await AccountsRepository(session).claim_token_checks(now, 1000, 300.0)
        assert len(statements) == 2  # binding no tenant, then the claim: nothing per row
    leased = {c.channel_id: c.tenant_id for c in claims}
    assert leased.get(a.channel) == a.tenant and b.channel not in leased
    async with db.unscoped_unit_of_work() as session:  # leased: not due again until it ends
        again = await AccountsRepository(session).claim_token_checks(now, 1000, 300.0)
        assert a.channel not in {c.channel_id for c in again}
        # Nothing else of the row is reachable as no tenant.
        assert (await session.execute(text(
            "SELECT count(*) FROM channels.channel_accounts"))).scalar_one() == 0


async def test_snoozed_due_names_due_snoozed_conversations_of_every_tenant_only(
        db: Database, a: Seeded, b: Seeded) -> None:
    now = datetime.now(UTC)
    ids = {}
    for seeded, status, until in ((a, 3, now - timedelta(minutes=1)),  # due
                                  (b, 3, now + timedelta(hours=1)),  # snoozed, not due
                                  (b, 1, None)):  # open
        ids[(seeded.tenant, status)] = conversation = uuid.uuid4()
        async with db.unit_of_work(seeded.tenant) as session:
            await session.execute(text(
                "INSERT INTO conversations.contacts (id, tenant_id, channel_id, "
                "external_user_id) VALUES (:c, :t, :ch, :x)"),
                {"c": conversation, "t": seeded.tenant, "ch": seeded.channel,
                 "x": str(conversation)})
            await session.execute(text(
                "INSERT INTO conversations.conversations (id, tenant_id, channel_id, "
                "channel_kind, external_chat_id, contact_id, status, mode, last_message_at, "
                "snoozed_until) VALUES (:c, :t, :ch, 1, :x, :c, :s, 2, now(), :u)"),
                {"c": conversation, "t": seeded.tenant, "ch": seeded.channel,
                 "x": str(conversation), "s": status, "u": until})
    async with db.unscoped_unit_of_work() as session:
        due = await ConversationRepository(session).snoozed_due(now, 1000)
        assert due == [(a.tenant, ids[(a.tenant, 3)])]
        # Nothing else of the rows is reachable as no tenant.
        assert (await session.execute(text(
            "SELECT count(*) FROM conversations.conversations"))).scalar_one() == 0


async def test_catch_up_makes_recently_active_accounts_of_every_tenant_due(
        db: Database, a: Seeded, b: Seeded) -> None:
    quiet, later = await _seed(db, due=False), await _seed(db, due=False)
    for seeded in (a, later):  # a webhook lately; `a` is due already, `later` is not
        async with db.unit_of_work(seeded.tenant) as session:
            await session.execute(text("UPDATE channels.channel_accounts SET last_webhook_at = now()"))
    async with db.unscoped_unit_of_work() as session:
        assert await SyncStateRepository(session).catch_up(datetime.now(UTC) - timedelta(minutes=5)) == 1
    now = datetime.now(UTC)
    async with db.unscoped_unit_of_work() as session:
        claimed = {c.channel_id for c in await SyncStateRepository(session).claim_due(
            now, 100, 300.0, [])}
    assert later.channel in claimed and quiet.channel not in claimed


async def test_reply_claims_lease_due_rows_of_every_tenant(db: Database, a: Seeded,
                                                           b: Seeded) -> None:
    later = await _seed(db, due=False)
    now = datetime.now(UTC)
    async with db.unscoped_unit_of_work() as session:
        claims = await PendingRepository(session).claim_due(now, timedelta(minutes=3), 500)
    by_tenant = {c.tenant_id: c for c in claims}
    assert {a.tenant, b.tenant} <= set(by_tenant) and later.tenant not in by_tenant
    assert by_tenant[a.tenant].attempts == 1 and by_tenant[a.tenant].channel_id == a.channel
    async with db.unscoped_unit_of_work() as session:
        again = await PendingRepository(session).claim_due(now, timedelta(minutes=3), 500)
        assert not {a.tenant, b.tenant} & {c.tenant_id for c in again}
        due = await PendingRepository(session).next_due(now)
        assert due is not None and due > now  # only the unleased, later wait is left


async def test_concurrent_claims_skip_each_others_rows(db: Database, a: Seeded, b: Seeded) -> None:
    """Two relays (or schedulers) at once: the second takes what the first does not hold,
    without waiting for it (SKIP LOCKED inside the definer functions)."""
    async with db.unscoped_unit_of_work() as first:
        held = await RelayRepository(first, "conversations").claim(1000)
        assert {a.tenant, b.tenant} <= {_tenant_of(r.subject) for r in held}
        async with db.unscoped_unit_of_work() as second:
            other = await asyncio.wait_for(RelayRepository(second, "conversations").claim(1000), 5)
            assert not {r.id for r in held} & {r.id for r in other}


async def test_the_relay_reads_and_deletes_only_through_its_functions(
        db: Database, a: Seeded) -> None:
    async with db.unscoped_unit_of_work() as session:
        repo = RelayRepository(session, "agent")
        waiting, oldest = await repo.backlog()
        assert waiting >= 1 and oldest is not None
        rows = [r for r in await repo.claim(1000) if _tenant_of(r.subject) == a.tenant]
        assert [(r.event_type, r.payload, r.headers) for r in rows] == [
            ("e", b"payload", {"Nats-Msg-Id": "m"})]
        await repo.delete([r.id for r in rows])
    async with db.unit_of_work(a.tenant) as session:
        assert await session.scalar(text("SELECT count(*) FROM agent.outbox")) == 0
        assert await session.scalar(text("SELECT count(*) FROM channels.outbox")) == 1


def _tenant_of(subject: str) -> uuid.UUID:
    return uuid.UUID(subject.split(".")[2])

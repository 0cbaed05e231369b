"""Seeded tenants for the runtime-role tests (test_db_roles.py, test_db_roles_claims.py): each
a row in every table the SECURITY DEFINER functions read, on a migrated database of the test
module's own (the session platform's relays and schedulers would take its outbox rows and due
rows from under it). A test module takes the fixtures by assignment:

    owner_url, db, a, b = seeded_fixtures()
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from services.kernel.db import Database
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.postgres import EmbeddedPostgres

OUTBOXES = ("channels", "conversations", "agent")


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


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def tenant_of(subject: str) -> uuid.UUID:
    """The tenant of an outbox row's subject (`sb.<schema>.<tenant>.…`)."""
    return uuid.UUID(subject.split(".")[2])


async def seed(db: Database, *, due: bool = True) -> Seeded:
    """A tenant with a user, a key, a session, a channel, a consent request, a sync row, a
    pending reply and an event in every outbox, written as the tenant itself; `due`: the sync
    row and the pending reply are due now (else in a day)."""
    tenant, token = uuid.uuid4(), uuid.uuid4().hex
    s = Seeded(tenant=tenant, email=f"{uuid.uuid4().hex[:10]}@Example.com",
               key_id=uuid.uuid4().hex[:16], key_uuid=uuid.uuid4(), token_sha256=sha(token),
               user_id=uuid.uuid4(), session_id=uuid.uuid4(), channel=uuid.uuid4(),
               state_sha256=sha(uuid.uuid4().hex))
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


def seeded_fixtures() -> tuple[Any, ...]:
    """The fixtures owner_url (the module's own migrated database, as its owner), db (on it,
    as the runtime role) and a, b (two seeded tenants, fresh per test)."""

    @pytest.fixture(scope="module", name="owner_url")
    async def owner_url(postgres: EmbeddedPostgres) -> str:
        name = f"db_roles_{uuid.uuid4().hex[:8]}"
        await ensure_database(postgres.url(), name)
        await migrate_database(postgres.url(name))
        return postgres.url(name)

    @pytest.fixture(scope="module", name="db")
    async def db(owner_url: str) -> AsyncIterator[Database]:
        database = Database(runtime_url(owner_url), pool_size=3)
        yield database
        await database.dispose()

    @pytest.fixture(name="a")
    async def a(db: Database) -> Seeded:
        return await seed(db)

    @pytest.fixture(name="b")
    async def b(db: Database) -> Seeded:
        return await seed(db)

    return owner_url, db, a, b

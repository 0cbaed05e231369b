"""The runner's own store (schema `telegram_bot`): every SQL statement of the package.

Every table is a tenant table under row-level security; each transaction first binds its
tenant with `set_config('app.tenant_id', :t, true)` (transaction-local, so a pooled connection
never carries it on). Connect as the runtime role (no superuser, no BYPASSRLS).

Topics and posts are claimed before the work they stand for: one statement inserts the row,
or takes over a claim whose holder stopped renewing it (`lease_s`), or finds the work done or
held by someone else. A holder renews its claim while it works (`Store.renew_*`).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import Row, TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

_BIND_TENANT = text("SELECT set_config('app.tenant_id', :tenant, true)")


@dataclass(frozen=True)
class Scope:
    """One bot's group in one tenant: the key every row starts with."""

    tenant_id: uuid.UUID
    bot_id: str
    chat_id: int

    def keys(self) -> dict[str, object]:
        return {"t": self.tenant_id, "b": self.bot_id, "c": self.chat_id}


class Claim(Enum):
    MINE = "mine"    # the caller holds it now (new, or taken over from a holder that stopped)
    DONE = "done"    # finished by whoever held it
    BUSY = "busy"    # someone else holds it and is working


@dataclass(frozen=True)
class Topic:
    conversation_id: str
    thread_id: int | None
    card_message_id: int | None
    name: str
    card_sha256: str
    claim_token: uuid.UUID
    claim: Claim


@dataclass(frozen=True)
class Post:
    key: str
    telegram_message_ids: list[int]
    claim_token: uuid.UUID
    claim: Claim
    error: str | None = None


@dataclass(frozen=True)
class Cursor:
    last_event_id: str
    updated_at: datetime


def async_url(url: str) -> str:
    """postgresql://... as SQLAlchemy's asyncpg URL."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    raise ValueError("the store needs a postgresql:// URL")


class Store:
    def __init__(self, database_url: str, *, pool_size: int = 5) -> None:
        self.engine: AsyncEngine = create_async_engine(
            async_url(database_url), pool_size=pool_size, max_overflow=pool_size,
            pool_pre_ping=True, pool_timeout=30,
            connect_args={"server_settings": {"jit": "off"}, "timeout": 10, "command_timeout": 30})

    async def close(self) -> None:
        await self.engine.dispose()

    @contextlib.asynccontextmanager
    async def _unit(self, tenant_id: uuid.UUID) -> AsyncIterator[AsyncConnection]:
        async with self.engine.begin() as conn:
            await conn.execute(_BIND_TENANT, {"tenant": str(tenant_id)})
            yield conn

    def transaction(self, tenant_id: uuid.UUID) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        """A transaction bound to the tenant, for the package's other row sets (ledger.py)."""
        return self._unit(tenant_id)

    # The live stream's position.

    async def cursor(self, tenant_id: uuid.UUID, bot_id: str) -> Cursor | None:
        async with self._unit(tenant_id) as conn:
            row = (await conn.execute(text(
                "SELECT last_event_id, updated_at FROM telegram_bot.cursors "
                "WHERE tenant_id = :t AND bot_id = :b"), {"t": tenant_id, "b": bot_id})).first()
        return Cursor(row.last_event_id, row.updated_at) if row else None

    async def save_cursor(self, tenant_id: uuid.UUID, bot_id: str, event_id: str) -> None:
        async with self._unit(tenant_id) as conn:
            await conn.execute(text(
                "INSERT INTO telegram_bot.cursors (tenant_id, bot_id, last_event_id) "
                "VALUES (:t, :b, :e) ON CONFLICT (tenant_id, bot_id) DO UPDATE "
                "SET last_event_id = EXCLUDED.last_event_id, updated_at = now()"),
                {"t": tenant_id, "b": bot_id, "e": event_id})

    # Topics.

    async def claim_topic(self, scope: Scope, conversation_id: str, lease_s: float) -> Topic:
        token = uuid.uuid4()
        async with self._unit(scope.tenant_id) as conn:
            row = (await conn.execute(text(
                "INSERT INTO telegram_bot.topics AS tp (tenant_id, bot_id, chat_id, conversation_id, "
                "claim_token) VALUES (:t, :b, :c, :conv, :token) "
                "ON CONFLICT (tenant_id, bot_id, chat_id, conversation_id) DO UPDATE "
                "SET claim_token = EXCLUDED.claim_token, claimed_at = now() "
                "WHERE tp.card_message_id IS NULL "
                "AND tp.claimed_at < now() - make_interval(secs => :lease) "
                "RETURNING thread_id, card_message_id, name, card_sha256, claim_token"),
                {**scope.keys(), "conv": conversation_id, "token": token, "lease": lease_s})).first()
            if row is not None:
                return _topic(conversation_id, row, Claim.MINE)
        found = await self.topic(scope, conversation_id)
        if found is None:  # deleted (forgotten) between the two statements: claim again
            return await self.claim_topic(scope, conversation_id, lease_s)
        return found

    async def topic(self, scope: Scope, conversation_id: str) -> Topic | None:
        async with self._unit(scope.tenant_id) as conn:
            row = (await conn.execute(text(
                "SELECT thread_id, card_message_id, name, card_sha256, claim_token "
                "FROM telegram_bot.topics WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c "
                "AND conversation_id = :conv"), {**scope.keys(), "conv": conversation_id})).first()
        if row is None:
            return None
        return _topic(conversation_id, row,
                      Claim.DONE if row.card_message_id is not None else Claim.BUSY)

    async def topic_created(self, scope: Scope, topic: Topic, thread_id: int, name: str) -> bool:
        """Record the new topic's id; False when the claim was lost meanwhile."""
        return await self._update_topic(scope, topic, text(
            "UPDATE telegram_bot.topics SET thread_id = :thread, name = :name, claimed_at = now(), "
            "updated_at = now() WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c "
            "AND conversation_id = :conv AND claim_token = :token"),
            {"thread": thread_id, "name": name})

    async def card_posted(self, scope: Scope, topic: Topic, message_id: int, card_sha256: str) -> bool:
        """The topic is ready (its card posted); False when the claim was lost meanwhile."""
        return await self._update_topic(scope, topic, text(
            "UPDATE telegram_bot.topics SET card_message_id = :card, card_sha256 = :sha, "
            "updated_at = now() WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c "
            "AND conversation_id = :conv AND claim_token = :token"),
            {"card": message_id, "sha": card_sha256})

    async def renew_topic(self, scope: Scope, topic: Topic) -> bool:
        return await self._update_topic(scope, topic, text(
            "UPDATE telegram_bot.topics SET claimed_at = now() WHERE tenant_id = :t "
            "AND bot_id = :b AND chat_id = :c AND conversation_id = :conv AND claim_token = :token"),
            {})

    async def topic_shown(self, scope: Scope, conversation_id: str, name: str,
                          card_sha256: str) -> None:
        """What the topic shows now, after an edit of its name or card."""
        async with self._unit(scope.tenant_id) as conn:
            await conn.execute(text(
                "UPDATE telegram_bot.topics SET name = :name, card_sha256 = :sha, updated_at = now() "
                "WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c AND conversation_id = :conv"),
                {**scope.keys(), "conv": conversation_id, "name": name, "sha": card_sha256})

    async def forget_topic(self, scope: Scope, conversation_id: str, thread_id: int) -> None:
        """The topic was deleted in Telegram: the next message makes a new one."""
        async with self._unit(scope.tenant_id) as conn:
            await conn.execute(text(
                "DELETE FROM telegram_bot.topics WHERE tenant_id = :t AND bot_id = :b "
                "AND chat_id = :c AND conversation_id = :conv AND thread_id = :thread"),
                {**scope.keys(), "conv": conversation_id, "thread": thread_id})

    async def _update_topic(self, scope: Scope, topic: Topic, statement: TextClause,
                            values: dict[str, Any]) -> bool:
        async with self._unit(scope.tenant_id) as conn:
            result = await conn.execute(statement, {
                **scope.keys(), "conv": topic.conversation_id, "token": topic.claim_token, **values})
        return bool(result.rowcount)

    # Posts.

    async def claim_post(self, scope: Scope, key: str, conversation_id: str, lease_s: float) -> Post:
        token = uuid.uuid4()
        async with self._unit(scope.tenant_id) as conn:
            row = (await conn.execute(text(
                "INSERT INTO telegram_bot.posts AS p (tenant_id, bot_id, chat_id, item_key, "
                "conversation_id, claim_token) VALUES (:t, :b, :c, :key, :conv, :token) "
                "ON CONFLICT (tenant_id, bot_id, chat_id, item_key) DO UPDATE "
                "SET claim_token = EXCLUDED.claim_token, claimed_at = now() "
                "WHERE NOT p.done AND p.claimed_at < now() - make_interval(secs => :lease) "
                "RETURNING telegram_message_ids"),
                {**scope.keys(), "key": key, "conv": conversation_id, "token": token,
                 "lease": lease_s})).first()
            if row is not None:
                return Post(key, list(row.telegram_message_ids), token, Claim.MINE)
            row = (await conn.execute(text(
                "SELECT telegram_message_ids, done, error, claim_token FROM telegram_bot.posts "
                "WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c AND item_key = :key"),
                {**scope.keys(), "key": key})).one()
        return Post(key, list(row.telegram_message_ids), row.claim_token,
                    Claim.DONE if row.done else Claim.BUSY, row.error)

    async def post_part(self, scope: Scope, post: Post, message_id: int) -> bool:
        """One more part is in Telegram (the claim renewed); False when the claim was lost."""
        return await self._update_post(scope, post, text(
            "UPDATE telegram_bot.posts SET telegram_message_ids = "
            "array_append(telegram_message_ids, CAST(:mid AS bigint)), claimed_at = now() "
            "WHERE tenant_id = :t AND bot_id = :b AND chat_id = :c AND item_key = :key "
            "AND claim_token = :token"), {"mid": message_id})

    async def post_done(self, scope: Scope, post: Post, error: str | None = None) -> bool:
        return await self._update_post(scope, post, text(
            "UPDATE telegram_bot.posts SET done = true, error = :error WHERE tenant_id = :t "
            "AND bot_id = :b AND chat_id = :c AND item_key = :key AND claim_token = :token"),
            {"error": error})

    async def renew_post(self, scope: Scope, post: Post) -> bool:
        return await self._update_post(scope, post, text(
            "UPDATE telegram_bot.posts SET claimed_at = now() WHERE tenant_id = :t AND bot_id = :b "
            "AND chat_id = :c AND item_key = :key AND claim_token = :token AND NOT done"), {})

    async def posted(self, scope: Scope, key: str) -> list[int] | None:
        """The Telegram messages of a finished post; None when it is not (yet) done."""
        async with self._unit(scope.tenant_id) as conn:
            row = (await conn.execute(text(
                "SELECT telegram_message_ids FROM telegram_bot.posts WHERE tenant_id = :t "
                "AND bot_id = :b AND chat_id = :c AND item_key = :key AND done"),
                {**scope.keys(), "key": key})).first()
        return list(row.telegram_message_ids) if row else None

    async def _update_post(self, scope: Scope, post: Post, statement: TextClause,
                           values: dict[str, Any]) -> bool:
        async with self._unit(scope.tenant_id) as conn:
            result = await conn.execute(statement, {
                **scope.keys(), "key": post.key, "token": post.claim_token, **values})
        return bool(result.rowcount)


def _topic(conversation_id: str, row: Row[Any], claim: Claim) -> Topic:
    return Topic(conversation_id, row.thread_id, row.card_message_id, row.name, row.card_sha256,
                 row.claim_token, claim)

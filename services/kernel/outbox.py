"""Transactional outbox: an event is a row written in the business transaction; a relay
publishes it with Nats-Msg-Id = the event id (the row id, or the deterministic id it was given),
so a crash between commit and publish loses nothing and a re-publish is dropped as a duplicate
by JetStream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message as ProtoMessage
from nats.js.errors import NoStreamResponseError, NotFoundError
from sqlalchemy import DateTime, LargeBinary, Row, String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kernel import telemetry
from services.kernel.bus import EVENT_TYPE_HEADER, MSG_ID_HEADER, Bus, check_payload
from services.kernel.db import Database, on_commit
from services.kernel.wire import DLQ_PREFIX, Topic

log = logging.getLogger(__name__)

# How often a relay samples its table's backlog (one count(*) and min(created_at)).
BACKLOG_SAMPLE_S = 10.0


class OutboxColumns:
    """Columns of every service's `<schema>.outbox` table."""

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    event_type: Mapped[str] = mapped_column(String(255), nullable=False)
    payload: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    headers: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), index=True)


def make_outbox_model(base: type[DeclarativeBase]) -> type[Any]:
    return type("OutboxEvent", (OutboxColumns, base), {"__tablename__": "outbox"})


class Outbox:
    """Writes events into one service's outbox table and wakes the relay after commit.
    Services write through their unit of work (`Unit.emit`), not here."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.wakeup = asyncio.Event()

    def add(self, session: AsyncSession, topic: Topic, tenant_id: uuid.UUID, event: ProtoMessage,
            *, event_id: uuid.UUID | None = None) -> uuid.UUID:
        """`event_id`: a deterministic id for an event that may be written twice (e.g. by
        two transactions racing on the same fact); it becomes the Nats-Msg-Id, so JetStream
        keeps one. The row itself always gets a fresh id: the second write never collides
        with the first while that still waits for the relay."""
        check_payload(topic, event)
        row_id = uuid.uuid4()
        headers = telemetry.inject_trace_headers({})
        if event_id is not None:
            headers[MSG_ID_HEADER] = str(event_id)
        session.add(self.model(
            id=row_id, tenant_id=tenant_id, subject=topic.subject(tenant_id),
            event_type=event.DESCRIPTOR.full_name, payload=event.SerializeToString(),
            headers=headers))
        # Wake the relay once the row is visible; it also polls, for other processes' rows.
        on_commit(session, self.wakeup.set)
        return event_id or row_id


class RelayRepository:
    """The relay's SQL: the runtime role reads no tenant's outbox rows itself (no tenant is
    bound), so each statement calls one of the schema's definer functions
    (`migrations/rls.py: outbox_functions`): one round trip per batch."""

    def __init__(self, session: AsyncSession, schema: str) -> None:
        self.session = session
        self._functions = getattr(func, schema)  # renders <schema>.<function>(...)

    async def claim(self, limit: int) -> list[Row[Any]]:
        """Lock up to `limit` of the oldest rows of any tenant (skipping rows another relay
        holds) until this transaction ends: id, subject, event_type, payload, headers,
        created_at."""
        rows = self._functions.outbox_claim(limit).table_valued(
            "id", "subject", "event_type", "payload", "headers", "created_at")
        return list((await self.session.execute(select(rows))).all())

    async def delete(self, ids: list[uuid.UUID]) -> None:
        if ids:
            await self.session.execute(select(self._functions.outbox_delete(
                bindparam("ids", ids, type_=ARRAY(UUID(as_uuid=True))))))

    async def backlog(self) -> tuple[int, datetime | None]:
        """How many rows wait, and when the oldest was written."""
        sample = self._functions.outbox_backlog().table_valued("waiting", "oldest")
        waiting, oldest = (await self.session.execute(select(sample))).one()
        return int(waiting), oldest


class OutboxRelay:
    """Publishes committed outbox rows; several relays may run (rows are locked SKIP LOCKED)."""

    def __init__(self, db: Database, bus: Bus, outbox: Outbox, *, batch: int = 200,
                 poll_interval_s: float = 0.5) -> None:
        self.db, self.bus, self.outbox = db, bus, outbox
        self.batch, self.poll_interval_s = batch, poll_interval_s
        self.schema: str = outbox.model.__table__.schema
        self._stopping = asyncio.Event()
        self._next_sample = 0.0
        telemetry.OUTBOX_RELAYED.labels(self.schema)
        telemetry.OUTBOX_DEAD_LETTERS.labels(self.schema)

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._sample_backlog()
                published = await self.relay_once()
            except Exception:
                log.exception("outbox relay pass failed", extra={"schema": self.schema})
                published = 0
                await asyncio.sleep(1)
            if published < self.batch:
                await self._wait_for_work()

    def stop(self) -> None:
        self._stopping.set()
        self.outbox.wakeup.set()

    async def relay_once(self) -> int:
        """Publish one batch; rows are deleted in the same transaction that locked them.

        Each row stands alone: one that fails stays for the next pass and the others go out.
        A row whose subject no stream is configured for (a producer's bug; JetStream says so
        when asked, unlike a stream that lost its leader, which answers the same to a publish)
        would block the relay for ever: it goes to the dead-letter stream, with why."""
        async with self.db.unscoped_unit_of_work() as session:
            repository = RelayRepository(session, self.schema)
            rows = await repository.claim(self.batch)
            if not rows:
                return 0
            outcomes = await asyncio.gather(*(self._publish(r) for r in rows),
                                            return_exceptions=True)
            published = [r for r, o in zip(rows, outcomes, strict=True) if o is None]
            failed = [(r, o) for r, o in zip(rows, outcomes, strict=True) if o is not None]
            dead = [r for r, error in failed
                    if isinstance(error, NoStreamResponseError) and await self._unrouted(r)]
            await asyncio.gather(*(self._dead_letter(r) for r in dead))
            published += dead
            for r, error in failed:
                if r in dead:
                    continue
                log.warning("outbox event not published, will retry", extra={
                    "schema": self.schema, "subject": r.subject, "error": repr(error)})
            await repository.delete([r.id for r in published])
            now = datetime.now(UTC)
            for r in published:
                telemetry.OUTBOX_LAG.labels(self.schema).observe((now - r.created_at).total_seconds())
        telemetry.OUTBOX_RELAYED.labels(self.schema).inc(len(published))
        return len(published)

    async def _publish(self, row: Any) -> None:
        await self.bus.publish(row.subject, row.payload,
                               msg_id=row.headers.get(MSG_ID_HEADER, str(row.id)),
                               headers={**row.headers, EVENT_TYPE_HEADER: row.event_type})

    async def _unrouted(self, row: Any) -> bool:
        """True only when JetStream answers that no stream takes the row's subject."""
        try:
            await self.bus.js.find_stream_name_by_subject(row.subject)
        except NotFoundError:
            return True
        except Exception:  # JetStream itself unavailable: transient, keep the row
            return False
        return False

    async def _dead_letter(self, row: Any) -> None:
        log.error("outbox event no stream takes, dead-lettered", extra={
            "schema": self.schema, "subject": row.subject, "event_type": row.event_type})
        await self.bus.publish(
            f"{DLQ_PREFIX}.outbox.{self.schema}", row.payload, msg_id=f"dlq:outbox:{row.id}",
            headers={**row.headers, EVENT_TYPE_HEADER: row.event_type,
                     "Sb-Original-Subject": row.subject, "Sb-Reason": "no stream takes this subject"})
        telemetry.OUTBOX_DEAD_LETTERS.labels(self.schema).inc()

    async def _sample_backlog(self) -> None:
        """At most every BACKLOG_SAMPLE_S: how many rows wait, and how old the oldest is."""
        now = time.monotonic()
        if now < self._next_sample:
            return
        self._next_sample = now + BACKLOG_SAMPLE_S
        async with self.db.unscoped_unit_of_work() as session:
            count, oldest = await RelayRepository(session, self.schema).backlog()
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        telemetry.OUTBOX_BACKLOG.labels(self.schema).set(count)
        telemetry.OUTBOX_OLDEST_AGE.labels(self.schema).set(max(age, 0.0))

    async def _wait_for_work(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.outbox.wakeup.wait(), timeout=self.poll_interval_s)
        self.outbox.wakeup.clear()

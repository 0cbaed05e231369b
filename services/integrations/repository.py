"""All SQL of the integrations service: endpoints, events, deliveries and attempts, and the
dispatcher's cross-tenant needs (each one definer function: docs/tenancy.md). Flushes, never
commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.integrations.models import (
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    Event,
)
from services.kernel.errors import NotFound
from services.kernel.models import new_id
from services.kernel.outbox import Outbox
from services.kernel.repository import RepositoryBase, cursor_id, cursor_time, cursors_of
from services.kernel.tenancy import require_tenant
from services.kernel.unit import Unit

_CLAIM = text("SELECT * FROM integrations.claim_deliveries(:now, :lease, :limit, :per_endpoint)")
_PAUSED = text("SELECT integrations.paused_endpoints()")
_PURGE = text("SELECT integrations.purge_events(:before)")


@dataclass(frozen=True)
class Claim:
    id: uuid.UUID
    tenant_id: uuid.UUID
    endpoint_id: uuid.UUID


@dataclass(frozen=True)
class DeliveryFilter:
    endpoint_id: uuid.UUID | None = None
    status: DeliveryStatus | None = None
    since: datetime | None = None
    until: datetime | None = None


async def _page(session: AsyncSession, stmt: Select[Any], model: Any, size: int, cursor: str,
                *, newest_first: bool) -> tuple[list[Any], str]:
    """Keyset-paged on (created_at, id), either way."""
    cursors = cursors_of(session)
    if cursor:
        c = cursors.decode(cursor, t=cursor_time, id=cursor_id)
        after = (model.created_at < c["t"], model.id < c["id"]) if newest_first \
            else (model.created_at > c["t"], model.id > c["id"])
        stmt = stmt.where(or_(after[0], and_(model.created_at == c["t"], after[1])))
    order = (model.created_at.desc(), model.id.desc()) if newest_first \
        else (model.created_at, model.id)
    rows = list((await session.scalars(stmt.order_by(*order).limit(size + 1))).all())
    if len(rows) <= size:
        return rows, ""
    last = rows[size - 1]
    return rows[:size], cursors.encode({"t": last.created_at.isoformat(), "id": str(last.id)})


class EndpointsRepository(RepositoryBase[Endpoint]):
    model = Endpoint

    def new(self, **values: Any) -> Endpoint:
        return self.add(Endpoint(id=new_id(), tenant_id=require_tenant(), **values))

    async def lock(self, id_: uuid.UUID) -> Endpoint:
        row = await self.session.scalar(
            select(Endpoint).where(Endpoint.id == id_).with_for_update())
        if row is None:
            raise NotFound(f"endpoint {id_} not found")
        return row

    async def count(self) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(Endpoint)) or 0)

    async def remove(self, id_: uuid.UUID) -> bool:
        gone = await self.session.execute(delete(Endpoint).where(Endpoint.id == id_)
                                          .returning(Endpoint.id))
        return gone.first() is not None

    async def list_page(self, size: int, cursor: str) -> tuple[list[Endpoint], str]:
        """Oldest first."""
        return await _page(self.session, select(Endpoint), Endpoint, size, cursor,
                           newest_first=False)

    async def subscribed(self, event_type: str) -> list[Endpoint]:
        """The tenant's enabled endpoints that take `event_type` (no types: every event)."""
        return list((await self.session.scalars(select(Endpoint).where(
            Endpoint.enabled, or_(Endpoint.event_types == [],
                                  Endpoint.event_types.contains([event_type]))))).all())

    async def paused_count(self) -> int:
        """Paused endpoints of every tenant (tenantless unit; a count only)."""
        return int(await self.session.scalar(_PAUSED) or 0)


class EventsRepository(RepositoryBase[Event]):
    model = Event

    async def record(self, event: Event) -> None:
        """Once per id: a redelivered bus message finds it there."""
        values = {c.key: getattr(event, c.key) for c in Event.__table__.columns
                  if c.key != "created_at"}
        await self.session.execute(insert(Event).values(**values).on_conflict_do_nothing())

    async def purge(self, before: datetime) -> int:
        """Events of every tenant older than `before` with nothing pending, their deliveries
        with them (tenantless unit)."""
        return int(await self.session.scalar(_PURGE, {"before": before}) or 0)


class DeliveriesRepository(RepositoryBase[Delivery]):
    model = Delivery

    async def fan_out(self, event: Event, endpoint_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """A pending delivery of `event` to each endpoint that has none yet; the new ones."""
        if not endpoint_ids:
            return []
        rows = [dict(id=new_id(), tenant_id=event.tenant_id, endpoint_id=e, event_id=event.id,
                     event_type=event.type, conversation_id=event.conversation_id,
                     position=event.position, event_occurred_at=event.occurred_at)
                for e in endpoint_ids]
        stmt = insert(Delivery).values(rows).on_conflict_do_nothing(
            index_elements=[Delivery.endpoint_id, Delivery.event_id],
            index_where=Delivery.replay_of.is_(None)).returning(Delivery.id)
        return [r.id for r in await self.session.execute(stmt)]

    def again(self, of: Delivery) -> Delivery:
        """A replay of `of`: same endpoint, event and place in its conversation's order."""
        return self.add(Delivery(
            id=new_id(), tenant_id=of.tenant_id, endpoint_id=of.endpoint_id,
            event_id=of.event_id, event_type=of.event_type, conversation_id=of.conversation_id,
            position=of.position, event_occurred_at=of.event_occurred_at,
            status=DeliveryStatus.PENDING, attempts=0, last_response_status=0,
            last_latency_ms=0, last_error="", replay_of=of.id))

    async def originals(self, endpoint_id: uuid.UUID, since: datetime,
                        until: datetime) -> list[Delivery]:
        """The endpoint's first deliveries of the events that happened in [since, until),
        in the events' order."""
        return list((await self.session.scalars(select(Delivery).where(
            Delivery.endpoint_id == endpoint_id, Delivery.replay_of.is_(None),
            Delivery.event_occurred_at >= since, Delivery.event_occurred_at < until)
            .order_by(Delivery.event_occurred_at, Delivery.position, Delivery.id))).all())

    async def lock(self, id_: uuid.UUID) -> Delivery | None:
        return await self.session.scalar(
            select(Delivery).where(Delivery.id == id_).with_for_update())

    async def due_now(self, endpoint_id: uuid.UUID, now: datetime) -> None:
        """The endpoint's pending deliveries waiting out a backoff become due now."""
        await self.session.execute(update(Delivery).where(
            Delivery.endpoint_id == endpoint_id, Delivery.status == DeliveryStatus.PENDING.value,
            Delivery.next_attempt_at > now).values(next_attempt_at=now))

    async def log(self, size: int, cursor: str, where: DeliveryFilter) -> tuple[list[Delivery], str]:
        """Newest first."""
        stmt = select(Delivery)
        if where.endpoint_id is not None:
            stmt = stmt.where(Delivery.endpoint_id == where.endpoint_id)
        if where.status is not None:
            stmt = stmt.where(Delivery.status == where.status.value)
        if where.since is not None:
            stmt = stmt.where(Delivery.created_at >= where.since)
        if where.until is not None:
            stmt = stmt.where(Delivery.created_at < where.until)
        return await _page(self.session, stmt, Delivery, size, cursor, newest_first=True)

    async def claim(self, now: datetime, lease_s: float, limit: int,
                    per_endpoint: int) -> list[Claim]:
        """Lease up to `limit` due deliveries of any tenant (tenantless unit): see
        integrations.claim_deliveries (migration 0036) for the rules."""
        rows = await self.session.execute(_CLAIM, {
            "now": now, "lease": timedelta(seconds=lease_s), "limit": limit,
            "per_endpoint": per_endpoint})
        return [Claim(r.id, r.tenant_id, r.endpoint_id) for r in rows]


class AttemptsRepository(RepositoryBase[Attempt]):
    model = Attempt

    def record(self, delivery: Delivery, **values: Any) -> Attempt:
        return self.add(Attempt(id=new_id(), tenant_id=delivery.tenant_id,
                                delivery_id=delivery.id, number=delivery.attempts, **values))

    async def of(self, delivery_id: uuid.UUID) -> list[Attempt]:
        return list((await self.session.scalars(select(Attempt).where(
            Attempt.delivery_id == delivery_id).order_by(Attempt.number))).all())


class IntegrationsUnit(Unit):
    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.endpoints = EndpointsRepository(session)
        self.events = EventsRepository(session)
        self.deliveries = DeliveriesRepository(session)
        self.attempts = AttemptsRepository(session)


"""The analytics schema: projections of the platform's events (migration 0019), all RLS-scoped.

Capability folders keep their own tables on this `Base` (the Avito statistics cache, for one).
Nothing here is a source of truth: every row can be rebuilt by replaying the streams.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Double, SmallInteger, String, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.kernel.models import make_base

SCHEMA = "analytics"
Base = make_base(SCHEMA)


class TenantSettings(Base):
    """A tenant's analytics settings: the default zone of reports and its business hours."""

    __tablename__ = "settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    # [{"weekday": 1, "open": "09:00", "close": "18:00"}, ...]; [] = the default week.
    business_hours: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageFact(Base):
    """One row per message seen: what makes a redelivered event count once. A reply keeps the
    wait it ended (from the first unanswered buyer message), measured once."""

    __tablename__ = "message_facts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    message_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    sender: Mapped[str] = mapped_column(String(8))  # buyer | manager | ai | app
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    wait_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reply_s: Mapped[float | None] = mapped_column(Double)
    reply_business_s: Mapped[float | None] = mapped_column(Double)


class ConversationFact(Base):
    """One row per conversation: its dimensions now and the moments its figures come from."""

    __tablename__ = "conversation_facts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    channel_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    listing_id: Mapped[str] = mapped_column(String(64), default="")
    listing_title: Mapped[str] = mapped_column(String(255), default="")
    assignee: Mapped[str] = mapped_column(String(64), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[int] = mapped_column(SmallInteger, default=0)
    # The conversation's updated_at last applied: an older snapshot changes nothing.
    state_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_reply_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The first buyer message after the last reply (None: answered, or nothing asked).
    awaiting_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the first time
    ai_replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HourlyFigure(Base):
    """Aggregates by UTC hour and dimension. A count has bucket -1; a duration metric counts
    its samples per logarithmic bucket (services/analytics/metrics/histogram.py), so a 30-day
    report reads a few thousand rows whatever the number of messages."""

    __tablename__ = "hourly"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    channel_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    listing_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    assignee: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)

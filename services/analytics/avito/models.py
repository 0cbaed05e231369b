"""Tables of the Avito statistics cache (migration 0021), on the analytics schema's Base."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Integer, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.analytics.models import Base


class AvitoRefresh(Base):
    """One per Avito account a report asked about: its refresh schedule (`next_due_at` is also
    the lease of a refresh in flight) and what the last one could not fetch."""

    __tablename__ = "avito_refresh"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    channel_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    next_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    filled_from: Mapped[date | None] = mapped_column(Date)  # days from here on were fetched
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[str]] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AvitoDaily(Base):
    """An account's figures of one Avito day; NULL = not fetched (a report says so), money in
    kopecks."""

    __tablename__ = "avito_daily"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    channel_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int | None] = mapped_column(BigInteger)
    contacts: Mapped[int | None] = mapped_column(BigInteger)
    favorites: Mapped[int | None] = mapped_column(BigInteger)
    spending_kopecks: Mapped[int | None] = mapped_column(BigInteger)
    calls: Mapped[int | None] = mapped_column(BigInteger)
    calls_answered: Mapped[int | None] = mapped_column(BigInteger)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AvitoBalances(Base):
    """The balances as last fetched (Avito tells them now, not per day)."""

    __tablename__ = "avito_balances"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    channel_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    real_kopecks: Mapped[int | None] = mapped_column(BigInteger)
    bonus_kopecks: Mapped[int | None] = mapped_column(BigInteger)
    balance_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cpa_kopecks: Mapped[int | None] = mapped_column(BigInteger)
    cpa_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


DAILY_COLUMNS = ("views", "contacts", "favorites", "spending_kopecks", "calls", "calls_answered")
Row = dict[str, Any]

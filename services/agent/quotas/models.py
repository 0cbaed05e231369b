"""agent.usage_months: AI replies sent per tenant and month (migration 0037)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, Date
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.agent.models import Base


class UsageMonth(Base):
    __tablename__ = "usage_months"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the month's first day (UTC)
    ai_replies: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

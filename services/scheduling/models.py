"""Tables of the scheduling service (schema "scheduling"), RLS-scoped: schedules and their runs.
Enum values are the proto enum numbers where the column holds one (missed_run_policy)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from services.kernel.models import TenantMixin, make_base

SCHEMA = "scheduling"
Base = make_base(SCHEMA)


class MissedRunPolicy(IntEnum):
    FIRE_ONCE_LATE = pb.MISSED_RUN_POLICY_FIRE_ONCE_LATE
    SKIP = pb.MISSED_RUN_POLICY_SKIP


class RunStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"


class Trigger(StrEnum):
    SCHEDULED = "scheduled"
    MANUAL = "manual"


class Schedule(TenantMixin, Base):
    __tablename__ = "schedules"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    # {"kind": "daily"} | {"kind": "every_n_days", "n", "start_date"} |
    # {"kind": "weekly", "weekdays": [...]} | {"kind": "monthly", "day_of_month"}
    recurrence: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    local_time: Mapped[str] = mapped_column(String(5), nullable=False)
    time_zone: Mapped[str] = mapped_column(String(64), nullable=False)
    # {"kind": "telegram", "chat_id", "message_thread_id"} | {"kind": "webhook", "url"}
    destination: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    webhook_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    report: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, default=b"")  # ReportSpec
    missed_run_policy: Mapped[int] = mapped_column(SmallInteger, nullable=False,
                                                   default=MissedRunPolicy.FIRE_ONCE_LATE)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Run(Base):
    __tablename__ = "runs"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy's own

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    schedule_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("scheduling.schedules.id", ondelete="CASCADE"),
        nullable=False)
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    scheduled_for: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    claims: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    late: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    partial: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now())

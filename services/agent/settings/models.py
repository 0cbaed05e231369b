"""The settings table: one row per level (the tenant's, or one channel's override)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Index, LargeBinary, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.agent.models import Base
from services.kernel.models import TenantMixin


class SettingsRow(TenantMixin, Base):
    """One level of settings: the tenant's (channel_id NULL) or one channel's override."""

    __tablename__ = "settings"
    __table_args__ = (
        Index("uq_settings_tenant_level", "tenant_id", unique=True,
              postgresql_where=text("channel_id IS NULL")),
        Index("uq_settings_channel", "tenant_id", "channel_id", unique=True,
              postgresql_where=text("channel_id IS NOT NULL")),
    )

    channel_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Only the fields set at this level, by field path ("limits.max_reply_chars": 800).
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)
    api_key_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

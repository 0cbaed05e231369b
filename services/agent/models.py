"""The agent schema's declarative base and its outbox table. Every capability folder keeps its
own tables on this base (settings/, answering/, audit/, knowledge/ models.py); all of them are
RLS-scoped (migrations 0007, 0008)."""

from __future__ import annotations

from services.kernel.models import make_base
from services.kernel.outbox import make_outbox_model

SCHEMA = "agent"
Base = make_base(SCHEMA)
OutboxEvent = make_outbox_model(Base)

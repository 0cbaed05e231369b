"""The one declarative base of the agent schema, shared by the knowledge and answering tables."""

from __future__ import annotations

from services.kernel.models import make_base
from services.kernel.outbox import make_outbox_model

SCHEMA = "agent"
Base = make_base(SCHEMA)
OutboxEvent = make_outbox_model(Base)

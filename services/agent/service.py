"""Rules behind the AgentService RPCs: settings, usage, audit, and the preview (answering/
preview.py: it calls the model between its own short units). No gRPC, no SQL here."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.agent.answering.clock import Clock
from services.agent.answering.preview import PreviewResult, Previews
from services.agent.audit.health import Health, host_of, state_of
from services.agent.audit.models import AuditEntry
from services.agent.audit.repository import UsageTotals
from services.agent.repository import AgentUnit
from services.agent.settings import endpoint
from services.agent.settings.rules import validate
from services.agent.settings.service import Change, SettingsStore, SettingsView
from services.kernel.errors import InvalidArgument
from services.kernel.repository import page_size
from services.kernel.urls import OutboundGuard

DEFAULT_USAGE_WINDOW = timedelta(days=30)
MAX_USAGE_WINDOW = timedelta(days=366)


class AgentService:
    def __init__(self, store: SettingsStore, previews: Previews, clock: Clock,
                 guard: OutboundGuard, health_failures: int = 3,
                 health_window: timedelta = timedelta(hours=1)) -> None:
        self.store, self.previews, self.clock, self.guard = store, previews, clock, guard
        self.health_failures, self.health_window = health_failures, health_window

    async def get_settings(self, unit: AgentUnit, channel_id: uuid.UUID | None) -> SettingsView:
        return await self.store.view(unit, channel_id)

    async def update_settings(self, unit: AgentUnit, channel_id: uuid.UUID | None,
                              change: Change) -> SettingsView:
        if not change.values and not change.reset and change.api_key is None:
            raise InvalidArgument("name at least one field in update_fields or reset_fields")
        return await self.store.update(unit, channel_id, change)

    async def vet_endpoint(self, change: Change) -> None:
        """A new base_url must be a public address (or the operator's allowlist): checked
        before the update's transaction, since it resolves the name."""
        if "base_url" in change.values:
            await endpoint.vet(self.guard, validate("base_url", change.values["base_url"]))

    async def usage(self, unit: AgentUnit, start: datetime | None,
                    end: datetime | None) -> tuple[UsageTotals, datetime, datetime]:
        end = end or self.clock.now()
        start = start or end - DEFAULT_USAGE_WINDOW
        if start >= end or end - start > MAX_USAGE_WINDOW:
            raise InvalidArgument("`from` must be before `to`, at most 366 days apart")
        return await unit.audit.usage(start, end), start, end

    async def list_audit(self, unit: AgentUnit, conversation_id: uuid.UUID | None,
                         size: int, cursor: str) -> tuple[list[AuditEntry], str]:
        return await unit.audit.list_page(conversation_id, page_size(size), cursor)

    async def health(self, unit: AgentUnit) -> Health:
        """The tenant's model state from the audit (audit/health.py), with its settings."""
        now = self.clock.now()
        facts = await unit.audit.model_facts(self.health_failures, now - timedelta(hours=1))
        values = (await self.store.view(unit, None)).effective_values
        return Health(state_of(facts.latest, now, self.health_failures, self.health_window),
                      facts, enabled=bool(values.get("enabled")), model=values.get("model") or "",
                      base_url_host=host_of(values.get("base_url") or ""))

    async def preview(self, tenant_id: uuid.UUID, question: str, channel_id: uuid.UUID | None,
                      listing: common.Listing) -> PreviewResult:
        """The pipeline on a test question, with nothing sent and nobody handed over."""
        return await self.previews.run(tenant_id, question, channel_id, listing)

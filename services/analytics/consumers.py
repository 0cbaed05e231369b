"""The projection's durables: messages received and sent, conversations updated, handoffs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clients.rpc import topics
from services.analytics.projection import mapping
from services.analytics.projection.service import ConversationEvent, project
from services.analytics.repository import AnalyticsUnit
from services.kernel.bus import ConsumerSpec, Delivery
from services.kernel.unit import Units


class AnalyticsConsumers:
    def __init__(self, units: Units[AnalyticsUnit]) -> None:
        self.units = units

    def specs(self) -> list[ConsumerSpec]:
        return [
            ConsumerSpec(topics.ANALYTICS_RECEIVED, self._handler(mapping.received), batch=128),
            ConsumerSpec(topics.ANALYTICS_SENT, self._handler(mapping.sent), batch=128),
            ConsumerSpec(topics.ANALYTICS_CONVERSATIONS, self._handler(mapping.updated)),
            ConsumerSpec(topics.ANALYTICS_HANDOFFS, self._handler(mapping.handoff)),
        ]

    def _handler(self, read: Callable[[Any], ConversationEvent | None]
                 ) -> Callable[[Delivery], Any]:
        async def handle(delivery: Delivery) -> None:
            event = read(delivery.event)
            if event is None:
                return
            async with self.units(delivery.tenant_id) as unit:
                await project(unit.facts, unit.settings, event)
        return handle

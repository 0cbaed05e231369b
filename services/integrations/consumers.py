"""The one durable the integrations service runs: every public conversation event, in the
stream's order (topics.INTEGRATIONS_EVENTS), fanned out to the tenants' webhook endpoints."""

from __future__ import annotations

from collections.abc import Callable

from clients.rpc import topics
from services.integrations.repository import IntegrationsUnit
from services.integrations.webhooks import fanout
from services.kernel.bus import ConsumerSpec, Delivery
from services.kernel.unit import Units


def consumer_specs(units: Units[IntegrationsUnit], wake: Callable[[], None]) -> list[ConsumerSpec]:
    async def handle(delivery: Delivery) -> None:
        event = fanout.from_bus(delivery)
        if event is None:
            return
        async with units(event.tenant_id) as unit:
            if await fanout.fan_out(unit, event):
                unit.after_commit(wake)  # the dispatcher sends it now, not at its next poll

    # One at a time: a conversation's events are recorded in the stream's order.
    return [ConsumerSpec(topics.INTEGRATIONS_EVENTS, handle, concurrency=1)]

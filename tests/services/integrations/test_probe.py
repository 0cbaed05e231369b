"""An endpoint back after an outage gets its backlog at once, not when each delivery's backoff
ends: the paused endpoint's probe goes at the probe time the API shows (whatever its delivery's
own backoff says), and the probe's success makes every waiting delivery due. Backoffs here are
far longer than the probe, so only that rule delivers within the test."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from clients.rpc.integrations import IntegrationsClient
from tests.fixtures.events import eventually
from tests.services.integrations.conftest import Publish, Receiver, conversation, message_received


@pytest.fixture(scope="module")
def webhook_settings() -> dict[str, Any]:
    return {"webhooks_timeout_s": 1.0, "webhooks_backoff_s": 300.0,
            "webhooks_backoff_max_s": 3600.0, "webhooks_poll_s": 0.1, "webhooks_lease_s": 5.0,
            "webhooks_breaker_failures": 2, "webhooks_breaker_min_span_s": 0,
            "webhooks_breaker_probe_s": 0.5, "webhooks_breaker_probe_max_s": 1.0}


async def test_the_probe_goes_at_its_time_and_its_success_drains_the_backlog(
        client: IntegrationsClient, receiver: Receiver, publish: Publish,
        tenant: uuid.UUID) -> None:
    endpoint = (await client.create_endpoint(tenant, url=receiver.url("outage"))).endpoint
    receiver.status["outage"] = 503
    first, second = conversation(), conversation()
    for n in range(3):  # two conversations: both heads fail at once, and the breaker opens
        await publish(tenant, message_received(first, f"a{n}"))
        await publish(tenant, message_received(second, f"b{n}"))

    async def paused() -> pb.Endpoint | None:
        e = await client.get_endpoint(tenant, endpoint.id)
        return e if e.state == pb.ENDPOINT_STATE_PAUSED else None
    shown = await eventually(paused, within=15)
    waiting = (await client.list_deliveries(tenant, endpoint_id=endpoint.id)).deliveries
    # Each failed head waits out a backoff of minutes; the probe is due within a second.
    assert min(d.next_attempt_at.ToDatetime(tzinfo=UTC) for d in waiting if d.attempts) > \
        shown.breaker_probe_at.ToDatetime(tzinfo=UTC)

    receiver.status["outage"] = 200

    async def all_delivered() -> bool:
        return len(receiver.delivered("outage")) >= 6
    await eventually(all_delivered, within=20)
    texts = [c.event["data"]["message"]["text"] for c in receiver.delivered("outage")]
    assert [t for t in texts if t[0] == "a"] == ["a0", "a1", "a2"]
    assert [t for t in texts if t[0] == "b"] == ["b0", "b1", "b2"]
    back = await client.get_endpoint(tenant, endpoint.id)
    assert back.state == pb.ENDPOINT_STATE_ACTIVE and back.last_success_at.ToDatetime(
        tzinfo=UTC) <= datetime.now(UTC)

"""The circuit breaker (pauses after consecutive failures, tells the owner on SB_INTEGRATIONS,
resumes on a good probe), a slow endpoint of one tenant not delaying another's, and replays
of one delivery and of a range."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from clients.rpc.gen.switchboard.integrations.v1 import events_pb2 as iev
from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from clients.rpc.integrations import IntegrationsClient
from services.kernel.bus import Bus
from tests.fixtures.events import Recorder, eventually
from tests.services.integrations.conftest import Publish, Receiver, conversation, message_received


async def test_the_breaker_pauses_a_failing_endpoint_and_a_good_probe_resumes_it(
        client: IntegrationsClient, receiver: Receiver, publish: Publish, bus: Bus,
        tenant: uuid.UUID) -> None:
    endpoint = (await client.create_endpoint(tenant, url=receiver.url("breaker"))).endpoint
    receiver.status["breaker"] = 500
    async with Recorder(bus, f"sb.integrations.{tenant}.>") as events:  # ENDPOINT_PAUSED, _RESUMED
        conv = conversation()
        for n in range(3):
            await publish(tenant, message_received(conv, f"m{n}"))

        async def paused() -> pb.Endpoint | None:
            e = await client.get_endpoint(tenant, endpoint.id)
            return e if e.state == pb.ENDPOINT_STATE_PAUSED else None

        shown = await eventually(paused, within=15)
        assert shown.consecutive_failures >= 4 and shown.paused_reason == "answered 500"
        assert shown.breaker_probe_at.ToDatetime(tzinfo=UTC) > shown.paused_at.ToDatetime(tzinfo=UTC)
        [told] = await eventually(lambda: _events(events, "endpoint.paused"), within=10)
        note = iev.EndpointPaused.FromString(told)
        assert (note.endpoint_id, note.reason) == (endpoint.id, "answered 500")

        receiver.status["breaker"] = 200
        await eventually(lambda: _delivered_texts(receiver, "breaker", 3), within=20)
        assert [c.event["data"]["message"]["text"] for c in receiver.delivered("breaker")] == \
            ["m0", "m1", "m2"]
        back = await client.get_endpoint(tenant, endpoint.id)
        assert (back.state, back.consecutive_failures) == (pb.ENDPOINT_STATE_ACTIVE, 0)
        [resumed] = await eventually(lambda: _events(events, "endpoint.resumed"), within=10)
        assert iev.EndpointResumed.FromString(resumed).endpoint_id == endpoint.id


async def test_a_slow_endpoint_of_one_tenant_does_not_delay_another_tenants(
        client: IntegrationsClient, receiver: Receiver, publish: Publish) -> None:
    slow_tenant, other = uuid.uuid4(), uuid.uuid4()
    slow = (await client.create_endpoint(slow_tenant, url=receiver.url("slow"))).endpoint
    await client.create_endpoint(other, url=receiver.url("quick"))
    receiver.sleep_s["slow"] = 3.0  # past the runtime's 1 s timeout, every time
    for n in range(8):  # more than its per-endpoint slots, each a conversation of its own
        await publish(slow_tenant, message_received(conversation(), f"slow {n}"))
    await eventually(lambda: _at_least(receiver, "slow", 1), within=15)  # it is being tried
    await publish(other, message_received(conversation(), "quick"))
    await eventually(lambda: _delivered_texts(receiver, "quick", 1), within=10)
    # B's went through while A's are still waiting for an answer that never comes in time.
    waiting = await client.list_deliveries(slow_tenant, endpoint_id=slow.id,
                                           status=pb.DELIVERY_STATUS_PENDING)
    assert len(waiting.deliveries) == 8
    assert not [c for c in receiver.delivered("slow")]
    receiver.sleep_s["slow"] = 0


async def test_replay_one_delivery_and_a_range(
        client: IntegrationsClient, receiver: Receiver, publish: Publish,
        tenant: uuid.UUID) -> None:
    endpoint = (await client.create_endpoint(tenant, url=receiver.url("replay"))).endpoint
    before = datetime.now(UTC) - timedelta(seconds=5)
    conv = conversation()
    ids = [await publish(tenant, message_received(conv, f"r{n}")) for n in range(3)]
    await eventually(lambda: _delivered_texts(receiver, "replay", 3), within=15)
    first = (await client.list_deliveries(tenant, endpoint_id=endpoint.id)).deliveries[-1]

    again = await client.replay_delivery(tenant, first.id)
    assert (again.event_id, again.replay_of, again.status) == (
        first.event_id, first.id, pb.DELIVERY_STATUS_PENDING)
    await eventually(lambda: _delivered_texts(receiver, "replay", 4), within=15)
    assert receiver.delivered("replay")[3].headers["x-switchboard-event-id"] == first.event_id

    queued = await client.replay_range(tenant, endpoint.id, from_=before,
                                       to=datetime.now(UTC) + timedelta(seconds=5))
    assert queued == 3  # the originals, not the replay
    await eventually(lambda: _delivered_texts(receiver, "replay", 7), within=15)
    assert [c.headers["x-switchboard-event-id"] for c in receiver.delivered("replay")[4:]] == ids
    log = await client.list_deliveries(tenant, endpoint_id=endpoint.id)
    assert len(log.deliveries) == 7 and sum(1 for d in log.deliveries if d.replay_of) == 4
    assert await client.replay_range(tenant, endpoint.id, from_=before - timedelta(days=2),
                                     to=before) == 0


async def _events(recorder: Recorder, suffix: str) -> list[bytes]:
    return recorder.on(suffix)


async def _at_least(receiver: Receiver, path: str, n: int) -> bool:
    return len(receiver.of(path)) >= n


async def _delivered_texts(receiver: Receiver, path: str, n: int) -> bool:
    return len(receiver.delivered(path)) >= n


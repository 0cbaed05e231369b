"""The pipeline-health metrics the dashboards and alerts rely on, against a real nats-server:
redeliveries, the consumer's backlog from JetStream, series present from the start."""

from __future__ import annotations

import asyncio
import uuid

from google.protobuf.empty_pb2 import Empty
from prometheus_client import REGISTRY

from services.kernel.bus import Bus, ConsumerSpec, Delivery, Retry, run_consumers
from services.kernel.wire import Durable, Stream, Topic
from tests.fixtures.events import eventually

TENANT = uuid.uuid4()


def _topic(stream: Stream, event: str) -> Topic:
    return Topic(stream, "tests", "tests", event, Empty)


def _value(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def test_redeliveries_and_backlog_are_measured(bus: Bus) -> None:
    name = f"T_{uuid.uuid4().hex[:12].upper()}"
    stream = Stream(name, name.lower(), duplicate_window_s=60)
    await bus.ensure_streams([stream])
    subject, durable = _topic(stream, "m").subject(TENANT), f"c-{uuid.uuid4().hex[:8]}"
    try:
        for i in range(3):  # waiting before the consumer starts: its first sample sees them
            await bus.publish(subject, b"x", msg_id=f"m{i}")
        attempts: list[int] = []

        async def flaky(d: Delivery) -> None:
            attempts.append(d.attempt)
            if d.attempt == 1:
                raise Retry("once", delay_s=0.05)

        stop = asyncio.Event()
        spec = ConsumerSpec(Durable(durable, _topic(stream, "m"), "tests"), flaky)
        task = asyncio.create_task(run_consumers(bus, [spec], stop))
        try:
            async def sampled() -> bool:
                return _value("switchboard_bus_consumer_pending", consumer=durable,
                              stream=stream.name) is not None
            await eventually(sampled)
            # Sampled before the first fetch: all three were still waiting in the stream.
            assert _value("switchboard_bus_consumer_pending", consumer=durable, stream=stream.name) == 3
            assert _value("switchboard_bus_dead_letters_total", consumer=durable) == 0
            assert _value("switchboard_bus_messages_total", consumer=durable, outcome="dead_letter") == 0

            async def acked() -> bool:
                return _value("switchboard_bus_messages_total", consumer=durable, outcome="ack") == 3
            await eventually(acked)
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
        assert sorted(attempts) == [1, 1, 1, 2, 2, 2]
        assert _value("switchboard_bus_redeliveries_total", consumer=durable) == 3
        assert _value("switchboard_bus_messages_total", consumer=durable, outcome="retry") == 3
    finally:
        await bus.js.delete_stream(stream.name)

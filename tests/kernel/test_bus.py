"""JetStream semantics the platform relies on, against a real nats-server."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
from google.protobuf.empty_pb2 import Empty
from nats.js.errors import NotFoundError

from clients.rpc.permissions import ADMIN
from services.kernel.bus import Backlog, Bus, ConsumerSpec, Delivery, Poison, Retry, run_consumers
from services.kernel.wire import Durable, Stream, Topic
from switchboard.credentials import Credentials
from tests.fixtures.events import eventually

TENANT = uuid.uuid4()


def _topic(stream: Stream, event: str) -> Topic:
    return Topic(stream, "tests", "tests", event, Empty)


def _durable(name: str, stream: Stream, event: str) -> Durable:
    return Durable(name, _topic(stream, event), "tests")


@pytest.fixture
async def stream(bus: Bus) -> Stream:
    """A private stream per test, plus the shared dead-letter stream."""
    name = f"T_{uuid.uuid4().hex[:12].upper()}"
    spec = Stream(name, name.lower(), duplicate_window_s=60)
    await bus.ensure_streams([spec])
    yield spec
    await bus.js.delete_stream(name)


async def _run(bus: Bus, spec: ConsumerSpec, until) -> None:  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    task = asyncio.create_task(run_consumers(bus, [spec], stop))
    try:
        await eventually(until, within=15)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def test_duplicate_publish_is_dropped(bus: Bus, stream: Stream) -> None:
    topic = _topic(stream, "x")
    subject = topic.subject(TENANT)
    first = await bus.publish(subject, b"1", msg_id="same-id")
    second = await bus.publish(subject, b"1", msg_id="same-id")
    assert not first.duplicate and second.duplicate
    info = await bus.js.stream_info(stream.name)
    assert info.state.messages == 1


async def test_transient_failure_is_redelivered(bus: Bus, stream: Stream) -> None:
    attempts: list[int] = []

    async def flaky(d: Delivery) -> None:
        attempts.append(d.attempt)
        if d.attempt < 3:
            raise Retry("not yet", delay_s=0.05)

    await bus.publish(_topic(stream, "y").subject(TENANT), b"payload", msg_id=str(uuid.uuid4()))
    spec = ConsumerSpec(_durable(f"c-{uuid.uuid4().hex[:8]}", stream, "y"), flaky)

    async def handled() -> bool:
        return attempts[-1:] == [3]
    await _run(bus, spec, handled)
    assert attempts == [1, 2, 3]


async def test_poison_message_lands_in_the_dead_letter_stream(bus: Bus, stream: Stream) -> None:
    durable = f"c-{uuid.uuid4().hex[:8]}"
    seen: list[bytes] = []

    async def reject(d: Delivery) -> None:
        seen.append(d.data)
        raise Poison("cannot parse")

    dlq = await bus.js.pull_subscribe(f"sb.dlq.{durable}", durable=f"dlq-{durable}",
                                      stream="SB_DEAD_LETTER")
    await bus.publish(_topic(stream, "z").subject(TENANT), b"garbage", msg_id=str(uuid.uuid4()))
    await _run(bus, ConsumerSpec(_durable(durable, stream, "z"), reject),
               lambda: _async(bool(seen)))
    [dead] = await dlq.fetch(1, timeout=5)
    assert dead.data == b"garbage"
    assert dead.headers["Sb-Original-Subject"] == _topic(stream, "z").subject(TENANT)
    assert dead.headers["Sb-Reason"].startswith("poison: cannot parse")
    assert seen == [b"garbage"]  # terminated: never delivered again
    await dead.ack()


async def test_a_message_failing_every_attempt_is_dead_lettered(bus: Bus, stream: Stream) -> None:
    durable = f"c-{uuid.uuid4().hex[:8]}"
    attempts: list[int] = []

    async def always_fails(d: Delivery) -> None:
        attempts.append(d.attempt)
        raise RuntimeError("database down")

    dlq = await bus.js.pull_subscribe(f"sb.dlq.{durable}", durable=f"dlq-{durable}",
                                      stream="SB_DEAD_LETTER")
    await bus.publish(_topic(stream, "w").subject(TENANT), b"x", msg_id=str(uuid.uuid4()))
    spec = ConsumerSpec(_durable(durable, stream, "w"), always_fails,
                        max_deliver=3, backoff_s=[0.05])
    await _run(bus, spec, lambda: _async(len(attempts) >= 3))
    [dead] = await dlq.fetch(1, timeout=5)
    assert "gave up after 3" in dead.headers["Sb-Reason"]


async def _async(value: bool) -> bool:
    return value


class SlowHandler:
    """Takes a while per message; records what it handled and the most it ran at once."""

    def __init__(self) -> None:
        self.in_flight, self.peak = 0, 0
        self.done: list[str] = []

    async def __call__(self, d: Delivery) -> None:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0.02)
        self.in_flight -= 1
        self.done.append(d.data.decode())


async def _acked(bus: Bus, stream: Stream, durable: str) -> bool:
    info = await bus.js.consumer_info(stream.name, durable)
    return info.num_ack_pending == 0 and info.num_pending == 0


async def test_a_concurrent_consumer_handles_a_batch_in_parallel_and_acks_each(
        bus: Bus, stream: Stream) -> None:
    slow = SlowHandler()
    topic = _topic(stream, "c")
    subject = topic.subject(TENANT)
    for i in range(12):
        await bus.publish(subject, str(i).encode(), msg_id=str(uuid.uuid4()))
    durable = f"c-{uuid.uuid4().hex[:8]}"
    await _run(bus, ConsumerSpec(Durable(durable, topic, "tests"), slow, concurrency=4),
               lambda: _async(len(slow.done) == 12))
    assert sorted(slow.done, key=int) == [str(i) for i in range(12)]
    assert 1 < slow.peak <= 4
    await eventually(lambda: _acked(bus, stream, durable), within=10)


async def test_an_order_key_keeps_order_per_key_and_runs_keys_concurrently(
        bus: Bus, stream: Stream) -> None:
    slow = SlowHandler()
    topic = _topic(stream, "k")
    subject = topic.subject(TENANT)
    for i in range(5):
        for chat in "abc":
            await bus.publish(subject, f"{chat}{i}".encode(), msg_id=str(uuid.uuid4()))
    durable = f"c-{uuid.uuid4().hex[:8]}"
    spec = ConsumerSpec(Durable(durable, topic, "tests"), slow, concurrency=3,
                        order_key=lambda d: d.data.decode()[0])
    await _run(bus, spec, lambda: _async(len(slow.done) == 15))
    for chat in "abc":
        assert [x for x in slow.done if x[0] == chat] == [f"{chat}{i}" for i in range(5)]
    assert slow.peak > 1
    await eventually(lambda: _acked(bus, stream, durable), within=10)


async def test_a_batch_handler_takes_a_fetch_at_once_and_acks_every_message(
        bus: Bus, stream: Stream) -> None:
    batches: list[list[bytes]] = []
    singles: list[bytes] = []

    async def one(d: Delivery) -> None:
        singles.append(d.data)

    async def many(ds: list[Delivery]) -> None:
        batches.append([d.data for d in ds])

    topic = _topic(stream, "b")
    subject = topic.subject(TENANT)
    for i in range(10):
        await bus.publish(subject, str(i).encode(), msg_id=str(uuid.uuid4()))
    durable = f"c-{uuid.uuid4().hex[:8]}"
    await _run(bus, ConsumerSpec(Durable(durable, topic, "tests"), one, batch_handler=many),
               lambda: _async(sum(map(len, batches)) + len(singles) == 10))
    assert batches and [int(x) for b in batches for x in b] == sorted(
        int(x) for b in batches for x in b)  # stream order inside a batch
    assert len(batches[0]) > 1
    await eventually(lambda: _acked(bus, stream, durable), within=10)


async def test_a_failed_batch_falls_back_to_one_by_one_and_dead_letters_only_the_poison(
        bus: Bus, stream: Stream) -> None:
    handled: list[bytes] = []
    durable = f"c-{uuid.uuid4().hex[:8]}"

    async def one(d: Delivery) -> None:
        if d.data == b"bad":
            raise Poison("cannot parse")
        handled.append(d.data)

    async def many(ds: list[Delivery]) -> None:
        for d in ds:
            if d.data == b"bad":
                raise Poison("cannot parse")  # the whole batch is off: nothing of it counts

    dlq = await bus.js.pull_subscribe(f"sb.dlq.{durable}", durable=f"dlq-{durable}",
                                      stream="SB_DEAD_LETTER")
    topic = _topic(stream, "f")
    subject = topic.subject(TENANT)
    for data in (b"1", b"bad", b"2"):
        await bus.publish(subject, data, msg_id=str(uuid.uuid4()))
    await _run(bus, ConsumerSpec(Durable(durable, topic, "tests"), one, batch_handler=many),
               lambda: _async(len(handled) == 2))
    assert handled == [b"1", b"2"]
    [dead] = await dlq.fetch(1, timeout=5)
    assert dead.data == b"bad"
    await dead.ack()
    await eventually(lambda: _acked(bus, stream, durable), within=10)


async def test_a_held_consumer_fetches_nothing_until_released(bus: Bus, stream: Stream) -> None:
    held, checks, handled = True, 0, []

    async def hold() -> bool:
        nonlocal checks
        checks += 1
        return held

    async def handle(d: Delivery) -> None:
        handled.append(d.data)

    topic = _topic(stream, "h")
    subject = topic.subject(TENANT)
    await bus.publish(subject, b"waits", msg_id=str(uuid.uuid4()))
    durable = f"c-{uuid.uuid4().hex[:8]}"
    spec = ConsumerSpec(Durable(durable, topic, "tests"), handle, hold_while=hold)

    async def released_after_checks() -> bool:
        nonlocal held
        if checks >= 5 and held:
            assert handled == []  # asked five times, held five times: nothing fetched
            held = False
        return handled == [b"waits"]
    await _run(bus, spec, released_after_checks)


async def test_backlog_says_when_a_consumer_has_more_than_its_limit_waiting(
        bus: Bus, stream: Stream) -> None:
    topic = _topic(stream, "q")
    subject = topic.subject(TENANT)
    durable = f"c-{uuid.uuid4().hex[:8]}"
    await bus.js.add_consumer(stream.name, durable_name=durable, filter_subject=subject)
    backlog = Backlog(bus, Durable(durable, topic, "tests"), limit=2, refresh_s=0)
    assert not await backlog.over_limit()
    for i in range(3):
        await bus.publish(subject, str(i).encode(), msg_id=str(uuid.uuid4()))
    assert await backlog.over_limit()
    assert not await Backlog(bus, Durable("no-such-consumer", topic, "tests"), limit=0).over_limit()


async def test_a_list_of_servers_connects_past_one_that_is_down(
        nats_url: str, credentials: Credentials) -> None:
    """A process starting while the first node of a cluster is down reaches another."""
    from switchboard.devstack.ports import free_port

    down = f"nats://127.0.0.1:{free_port()}"
    connected = await Bus.connect(f"{down}, {nats_url}", name="tests-seed-list",
                                  **credentials.nats_login(ADMIN))
    try:
        assert connected.nc.is_connected
    finally:
        await connected.close()


async def _all_acked(bus: Bus, stream: Stream, durable: str, count: int) -> bool:
    try:
        info = await bus.js.consumer_info(stream.name, durable)
    except NotFoundError:  # not made yet
        return False
    return info.ack_floor.consumer_seq >= count and info.num_ack_pending == 0


async def test_a_long_batch_is_kept_by_in_progress_acks(bus: Bus, stream: Stream) -> None:
    """ack_wait 1 s, a message worked on for 4 s: told in progress, so never redelivered."""
    name, seen = f"c-{uuid.uuid4().hex[:8]}", []

    async def slow(d: Delivery) -> None:
        seen.append(d.attempt)
        await asyncio.sleep(4)

    spec = ConsumerSpec(_durable(name, stream, "z"), slow, ack_wait_s=1, max_hold_s=60)
    await bus.publish(_topic(stream, "z").subject(TENANT), b"1", msg_id=str(uuid.uuid4()))
    stop = asyncio.Event()
    task = asyncio.create_task(run_consumers(bus, [spec], stop))
    try:
        await eventually(lambda: _all_acked(bus, stream, name, 1), within=20)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert seen == [1]


async def test_a_dead_holders_message_comes_back_within_ack_wait(bus: Bus,
                                                                 stream: Stream) -> None:
    """The holder dies mid-message (its task cancelled: no ack, no more in-progress acks):
    another consumer gets the message after about ack_wait (2 s), not after the hold (60 s)."""
    name, seen = f"c-{uuid.uuid4().hex[:8]}", []
    hung = asyncio.Event()

    async def first(d: Delivery) -> None:
        seen.append(d.attempt)
        hung.set()
        await asyncio.Event().wait()  # never returns

    durable = _durable(name, stream, "w")
    await bus.publish(_topic(stream, "w").subject(TENANT), b"1", msg_id=str(uuid.uuid4()))
    dying = asyncio.create_task(run_consumers(
        bus, [ConsumerSpec(durable, first, ack_wait_s=2, max_hold_s=60)], asyncio.Event()))
    await asyncio.wait_for(hung.wait(), 10)
    dying.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await dying

    async def second(d: Delivery) -> None:
        seen.append(d.attempt)

    await _run(bus, ConsumerSpec(durable, second, ack_wait_s=2, max_hold_s=60),
               lambda: _async_true(len(seen) == 2))
    assert seen == [1, 2]


async def _async_true(value: bool) -> bool:
    return value

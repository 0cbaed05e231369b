"""The window's lanes (clients/telegram_bot/window/lanes.py): each conversation's events in
order, conversations side by side up to the width, back-pressure at the depth, the stored
position never past an event still in hand, a failure ends the window, a stop leaves what was
queued to be replayed. Events are released by hand (gates), nothing is timed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from clients.telegram_bot.window.lanes import Lanes


@dataclass
class Ev:
    key: str
    n: int


@dataclass
class Harness:
    """Each event waits for its gate; what started, what finished and the positions stored."""
    width: int = 2
    depth: int = 4
    gates: dict[int, asyncio.Event] = field(default_factory=dict)
    started: list[int] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    fail_on: int | None = None
    failed_calls: int = 0

    def __post_init__(self) -> None:
        self.lanes = Lanes[Ev](self.handle, self.advanced, width=self.width, depth=self.depth,
                               failed=self.on_failed)

    def gate(self, n: int) -> asyncio.Event:
        return self.gates.setdefault(n, asyncio.Event())

    async def handle(self, ev: Ev) -> None:
        self.started.append(ev.n)
        await self.gate(ev.n).wait()
        if ev.n == self.fail_on:
            raise RuntimeError(f"event {ev.n} failed")
        self.finished.append(ev.n)

    async def advanced(self, ev: Ev) -> None:
        self.positions.append(ev.n)

    def on_failed(self) -> None:
        self.failed_calls += 1


async def until(check: Callable[[], bool]) -> None:
    """Let the lanes run until `check()` holds (a few loop turns; bounded)."""
    for _ in range(1000):
        if check():
            return
        await asyncio.sleep(0)
    raise AssertionError("the lanes never got there")


async def test_a_conversations_events_run_in_order_and_others_side_by_side() -> None:
    h = Harness(width=2, depth=8)
    await h.lanes.put("a", Ev("a", 0))
    await h.lanes.put("a", Ev("a", 1))
    await h.lanes.put("b", Ev("b", 2))
    await until(lambda: h.started == [0, 2])  # b's starts while a's first is in hand
    h.gate(1).set()  # a's second may not start before its first finished
    await asyncio.sleep(0)
    assert 1 not in h.started
    for n in (0, 2):
        h.gate(n).set()
    await h.lanes.drain()
    assert h.finished.index(0) < h.finished.index(1)
    assert h.positions[-1] == 2


async def test_the_position_never_passes_an_event_in_hand() -> None:
    h = Harness(width=3, depth=8)
    for n, key in enumerate("abc"):
        await h.lanes.put(key, Ev(key, n))
    h.gate(1).set()
    h.gate(2).set()
    await until(lambda: h.finished == [1, 2])
    assert h.positions == []  # 0 still in hand: a restart must replay from before it
    h.gate(0).set()
    await h.lanes.drain()
    assert h.positions == [2]  # one move over all three


async def test_a_new_conversation_waits_for_a_free_lane_and_the_depth_bounds_the_queue() -> None:
    h = Harness(width=1, depth=2)
    await h.lanes.put("a", Ev("a", 0))
    blocked = asyncio.create_task(h.lanes.put("b", Ev("b", 1)))  # no free lane
    await until(lambda: h.started == [0])
    assert not blocked.done()
    await h.lanes.put("a", Ev("a", 2))  # its own lane takes it: depth 2 reached
    deeper = asyncio.create_task(h.lanes.put("a", Ev("a", 3)))
    await asyncio.sleep(0)
    assert not deeper.done()
    h.gate(0).set()
    await deeper  # room again after event 0
    h.gate(2).set()
    h.gate(3).set()
    await blocked  # lane a emptied: b gets it
    h.gate(1).set()
    await h.lanes.drain()
    assert sorted(h.finished) == [0, 1, 2, 3]
    assert h.positions[-1] == 1


async def test_a_failure_ends_the_window_and_the_position_stays_before_it() -> None:
    h = Harness(width=2, depth=4, fail_on=0)
    await h.lanes.put("a", Ev("a", 0))
    await h.lanes.put("b", Ev("b", 1))
    h.gate(1).set()
    await until(lambda: h.finished == [1])
    h.gate(0).set()
    with pytest.raises(RuntimeError, match="event 0 failed"):
        await h.lanes.drain()
    assert h.failed_calls == 1
    assert h.positions == []  # the failed event comes again after the restart
    with pytest.raises(RuntimeError):
        await h.lanes.put("c", Ev("c", 2))


async def test_a_stop_finishes_the_events_in_hand_and_leaves_the_queued_ones() -> None:
    h = Harness(width=2, depth=4)
    await h.lanes.put("a", Ev("a", 0))
    await h.lanes.put("a", Ev("a", 1))
    await until(lambda: h.started == [0])
    stopping = asyncio.create_task(h.lanes.stop())
    h.gate(0).set()
    h.gate(1).set()
    await stopping
    assert h.finished == [0]
    assert h.positions == [0]  # a restart resumes with event 1


def test_the_depth_holds_at_least_one_event_per_lane() -> None:
    with pytest.raises(ValueError, match="width"):
        Lanes[Ev](Harness().handle, Harness().advanced, width=4, depth=2)

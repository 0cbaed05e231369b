"""Events of different conversations handled side by side, each conversation's in order.

A group is paced (Telegram: 20 posts a minute), but every event also costs the runner a few
short transactions (claims, the parts sent, the position) and sometimes platform reads (a new
topic's conversation). Handled one after another, that work sits between the sends, and a
burst across many chats drains slower than the limits allow (bench scenario 8); a manager's
reply waiting to be linked (`Delivery.settle`) held every other conversation up. So each
conversation gets a lane that handles its events in the order given, up to `width`
conversations at once, with at most `depth` events queued in all (a producer past it waits).

The position a restart resumes from is a watermark: the last event that, with every event
before it, is handled. An event finished early (another conversation's) does not move it past
one still in hand, so a restart replays what may be unfinished, and the posts' claims find
what was done already.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

E = TypeVar("E")


@dataclass
class _Lane(Generic[E]):
    events: deque[tuple[int, E]] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None


class Lanes(Generic[E]):
    def __init__(self, handle: Callable[[E], Awaitable[None]],
                 advanced: Callable[[E], Awaitable[None]], *, width: int, depth: int,
                 failed: Callable[[], None] = lambda: None) -> None:
        """`handle(event)` works one event; `advanced(event)` is told each time the watermark
        moves, with the last event it now covers (the caller stores the position); `failed()`
        when a lane fails (the producer may be waiting for events, not on `put`)."""
        if width < 1 or depth < width:
            raise ValueError("lanes need width >= 1 and depth >= width")
        self._handle, self._advanced, self._failed = handle, advanced, failed
        self._width, self._depth = width, depth
        self._lanes: dict[str, _Lane[E]] = {}
        self._changed = asyncio.Condition()
        self._queued = 0
        self._next_seq = 0
        self._in_order: deque[tuple[int, E]] = deque()  # every event not yet under the mark
        self._done: set[int] = set()
        self._saving = asyncio.Lock()
        self._saved = -1  # the seq of the last position stored
        self._failure: BaseException | None = None
        self._stopping = False

    async def put(self, key: str, event: E) -> None:
        """Queue `event` in the lane of `key`; waits while `depth` events are queued, or a new
        lane is needed and `width` are working. Raises what a lane failed with."""
        async with self._changed:
            await self._changed.wait_for(lambda: self._failure is not None or (
                self._queued < self._depth
                and (key in self._lanes or len(self._lanes) < self._width)))
            self._raise_failure()
            seq, self._next_seq = self._next_seq, self._next_seq + 1
            self._in_order.append((seq, event))
            self._queued += 1
            lane = self._lanes.get(key)
            if lane is None:
                lane = self._lanes[key] = _Lane()
                lane.task = asyncio.create_task(self._work(key, lane), name=f"lane-{key}")
            lane.events.append((seq, event))

    async def drain(self) -> None:
        """Wait until every queued event is handled (a barrier: a reset reconciles after it)."""
        async with self._changed:
            await self._changed.wait_for(
                lambda: self._failure is not None or not self._lanes)
            self._raise_failure()

    async def stop(self) -> None:
        """Let each lane finish the event in hand and start no other (they stay under the
        watermark: a restart replays them)."""
        self._stopping = True
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)

    async def cancel(self) -> None:
        """Abandon what is in hand too (a failure elsewhere ends the window)."""
        self._stopping = True
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    async def _work(self, key: str, lane: _Lane[E]) -> None:
        try:
            while lane.events and not self._stopping:
                seq, event = lane.events[0]
                await self._handle(event)
                lane.events.popleft()
                await self._mark(seq)
        except Exception as exc:  # ends the window: the supervisor restarts it
            self._failure = exc
            self._failed()
        finally:
            async with self._changed:
                self._queued -= len(lane.events)
                self._lanes.pop(key, None)
                self._changed.notify_all()

    async def _mark(self, seq: int) -> None:
        """`seq` is handled: move the watermark over every handled event at its front."""
        async with self._changed:
            self._queued -= 1
            self._done.add(seq)
            mark: tuple[int, E] | None = None
            while self._in_order and self._in_order[0][0] in self._done:
                mark = self._in_order.popleft()
                self._done.discard(mark[0])
            self._changed.notify_all()
        if mark is None:
            return
        async with self._saving:  # two lanes may move it at once: the later mark is kept
            if mark[0] > self._saved:
                await self._advanced(mark[1])
                self._saved = mark[0]

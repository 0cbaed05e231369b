"""How the CLI runs its long-lived asyncio programs: on uvloop where it is installed.

libuv's loop roughly halves the event loop's own share of CPU on the hot paths (HTTP, NATS,
PostgreSQL sockets) compared with the pure-Python selector loop (docs/performance.md). The
code never depends on it: tests run on the standard loop.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def tune_garbage_collector() -> None:
    """Call once everything is imported and started. What survived startup (modules, ORM
    mappers, protobuf descriptors, caches) leaves the collector's reach, so a full collection
    walks only what requests and messages left behind; and collections run less often (young
    generation 10,000 allocations instead of 700; a full one every 50 middle ones instead of
    10). Full collections were the 70-300 ms pauses at the top of the latency histograms
    (docs/performance.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 50)


def run(main: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:  # not on this platform (e.g. Windows): the standard loop
        return asyncio.run(main)
    return uvloop.run(main)

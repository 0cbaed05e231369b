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


def freeze_startup_heap() -> None:
    """Call once everything is imported and started: what survived startup (modules, ORM
    mappers, protobuf descriptors, caches) leaves the collector's reach, so a full collection
    walks only what requests and messages allocated. Full collections over the whole heap
    were the 200-400 ms pauses at the top of the latency histograms."""
    gc.collect()
    gc.freeze()


def run(main: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:  # not on this platform (e.g. Windows): the standard loop
        return asyncio.run(main)
    return uvloop.run(main)

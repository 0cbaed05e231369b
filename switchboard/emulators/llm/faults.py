"""Injected failures per endpoint: latency first, then (optionally) an error status."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import Any

from switchboard.emulators.llm.errors import rate_limited, server_error
from switchboard.emulators.llm.schemas import FaultSpec


@dataclass
class ArmedFault:
    endpoint: str
    status: int | None
    latency_ms: int
    retry_after_s: float
    remaining: int


class Faults:
    def __init__(self) -> None:
        self.armed: list[ArmedFault] = []

    def add(self, spec: FaultSpec) -> None:
        self.armed.append(ArmedFault(spec.endpoint, spec.status, spec.latency_ms,
                                     spec.retry_after_s, spec.count))

    def clear(self) -> None:
        self.armed.clear()

    async def trigger(self, endpoint: str) -> None:
        """Spend one call of the oldest fault armed for `endpoint`: wait, then maybe raise."""
        fault = next((f for f in self.armed if f.endpoint == endpoint), None)
        if fault is None:
            return
        fault.remaining -= 1
        if fault.remaining == 0:
            self.armed.remove(fault)
        if fault.latency_ms:
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault.status == 429:
            raise rate_limited(fault.retry_after_s)
        if fault.status is not None:
            raise server_error(fault.status)

    def snapshot(self) -> dict[str, Any]:
        return {"armed": [asdict(f) for f in self.armed]}

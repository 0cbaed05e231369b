"""Injected failures: endpoint errors and latency, duplicate and jittered webhook deliveries."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import Any

from switchboard.emulators.avito.errors import api_error
from switchboard.emulators.avito.schemas import FaultSpec


@dataclass
class ArmedFault:
    endpoint: str
    status: int | None
    latency_ms: int
    remaining: int


class Faults:
    def __init__(self) -> None:
        self.armed: list[ArmedFault] = []
        self.duplicate_webhooks = False
        self.webhook_jitter_ms = 0

    def add(self, spec: FaultSpec) -> None:
        if spec.endpoint is not None:
            self.armed.append(ArmedFault(spec.endpoint, spec.status, spec.latency_ms, spec.count))
        if spec.duplicate_webhooks is not None:
            self.duplicate_webhooks = spec.duplicate_webhooks
        if spec.webhook_jitter_ms is not None:
            self.webhook_jitter_ms = spec.webhook_jitter_ms

    def clear(self) -> None:
        self.armed.clear()
        self.duplicate_webhooks = False
        self.webhook_jitter_ms = 0

    async def trigger(self, endpoint: str) -> None:
        """Spend one call of the oldest fault armed for `endpoint`: wait, then maybe fail."""
        fault = next((f for f in self.armed if f.endpoint == endpoint), None)
        if fault is None:
            return
        fault.remaining -= 1
        if fault.remaining == 0:
            self.armed.remove(fault)
        if fault.latency_ms:
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault.status == 429:
            raise api_error(429, {"Retry-After": "1", "X-RateLimit-Remaining": "0"})
        if fault.status is not None:
            raise api_error(fault.status)

    def snapshot(self) -> dict[str, Any]:
        return {
            "armed": [asdict(f) for f in self.armed],
            "duplicate_webhooks": self.duplicate_webhooks,
            "webhook_jitter_ms": self.webhook_jitter_ms,
        }

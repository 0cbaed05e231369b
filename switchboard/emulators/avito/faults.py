"""Injected failures: endpoint errors and latency; dropped, duplicated, jittered and reordered
webhook deliveries."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import Any

from switchboard.emulators.avito.errors import api_error
from switchboard.emulators.avito.schemas import FaultSpec

DEFAULT_REORDER_WINDOW_MS = 200


@dataclass
class ArmedFault:
    endpoint: str
    status: int | None
    latency_ms: int
    remaining: int
    chat_id: str | None = None  # None: every call of the endpoint


class Faults:
    def __init__(self) -> None:
        self.armed: list[ArmedFault] = []
        self.clear()

    def add(self, spec: FaultSpec) -> None:
        if spec.endpoint is not None:
            self.armed.append(ArmedFault(spec.endpoint, spec.status, spec.latency_ms, spec.count,
                                         spec.chat_id))
        if spec.duplicate_webhooks is not None:
            self.duplicate_webhooks = spec.duplicate_webhooks
        if spec.webhook_jitter_ms is not None:
            self.webhook_jitter_ms = spec.webhook_jitter_ms
        if spec.drop_webhooks is not None:
            self.drop_webhooks = spec.drop_webhooks
        if spec.reorder_webhooks is not None:
            self.reorder_webhooks = spec.reorder_webhooks
        if spec.reorder_window_ms is not None:
            self.reorder_window_ms = spec.reorder_window_ms

    def clear(self) -> None:
        self.armed.clear()
        self.duplicate_webhooks = False
        self.webhook_jitter_ms = 0
        self.drop_webhooks = 0  # how many of the next deliveries are silently lost
        self.reorder_webhooks = False
        self.reorder_window_ms = DEFAULT_REORDER_WINDOW_MS

    def take_drop(self) -> bool:
        """Whether the delivery about to go out is one of the dropped ones."""
        if self.drop_webhooks <= 0:
            return False
        self.drop_webhooks -= 1
        return True

    async def trigger(self, endpoint: str, chat_id: str | None = None) -> None:
        """Spend one call of the oldest fault armed for `endpoint` (and this chat, if the fault
        names one): wait, then maybe fail."""
        fault = next((f for f in self.armed if f.endpoint == endpoint
                      and f.chat_id in (None, chat_id)), None)
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
            "drop_webhooks": self.drop_webhooks,
            "reorder_webhooks": self.reorder_webhooks,
            "reorder_window_ms": self.reorder_window_ms,
        }

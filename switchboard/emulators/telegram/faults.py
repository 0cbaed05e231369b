"""Injected failures: a method's next calls slow or failing (429 with retry_after, 5xx), a
"429 storm" on every send and edit for a while, failing webhook deliveries."""

from __future__ import annotations

import asyncio
import math
from dataclasses import asdict, dataclass
from typing import Any

from switchboard.emulators.telegram.model import Clock, TelegramError, too_many_requests
from switchboard.emulators.telegram.schemas import FaultSpec

_SERVER_ERRORS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                  504: "Gateway Timeout"}


@dataclass
class ArmedFault:
    method: str  # lower case; "*" for every method
    bot_id: int | None
    chat_id: int | None
    status: int | None
    retry_after: int
    latency_ms: int
    remaining: int

    def matches(self, method: str, bot_id: int, chat_id: int | str | None) -> bool:
        return (self.method in ("*", method) and self.bot_id in (None, bot_id)
                and (self.chat_id is None or self.chat_id == chat_id))


class Faults:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.armed: list[ArmedFault] = []
        self.storm_until: float | None = None
        self.webhook_failures = 0

    def add(self, spec: FaultSpec) -> None:
        if spec.method is not None:
            self.armed.append(ArmedFault(spec.method.lower(), spec.bot_id, spec.chat_id,
                                         spec.status, spec.retry_after, spec.latency_ms,
                                         spec.count))
        if spec.storm_s is not None:
            self.storm_until = self._clock.now() + spec.storm_s
        if spec.webhook_failures is not None:
            self.webhook_failures = spec.webhook_failures

    def clear(self) -> None:
        self.armed.clear()
        self.storm_until = None
        self.webhook_failures = 0

    async def trigger(self, method: str, bot_id: int, chat_id: int | str | None) -> None:
        """Spend one call of the oldest fault armed for this call: wait, then maybe fail."""
        fault = next((f for f in self.armed if f.matches(method, bot_id, chat_id)), None)
        if fault is None:
            return
        fault.remaining -= 1
        if fault.remaining == 0:
            self.armed.remove(fault)
        if fault.latency_ms:
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault.status == 429:
            raise too_many_requests(fault.retry_after)
        if fault.status is not None:
            raise TelegramError(fault.status, _SERVER_ERRORS[fault.status])

    def storm(self) -> None:
        """During a storm every send is refused until it ends; retry_after says when."""
        if self.storm_until is None:
            return
        left = self.storm_until - self._clock.now()
        if left <= 0:
            self.storm_until = None
            return
        raise too_many_requests(max(1, math.ceil(left)))

    def take_webhook_failure(self) -> bool:
        if self.webhook_failures <= 0:
            return False
        self.webhook_failures -= 1
        return True

    def snapshot(self) -> dict[str, Any]:
        left = None if self.storm_until is None else max(0.0, self.storm_until - self._clock.now())
        return {"armed": [asdict(f) for f in self.armed], "storm_s_left": left,
                "webhook_failures": self.webhook_failures}

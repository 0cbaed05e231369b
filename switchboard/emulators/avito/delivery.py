"""Messenger webhook deliveries (v3): signed POSTs to every subscribed URL, in the background,
subject to the delivery faults (drop, duplicate, jitter, reorder)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from switchboard.emulators.avito import render
from switchboard.emulators.avito.faults import Faults
from switchboard.emulators.avito.ids import IdFactory
from switchboard.emulators.avito.model import Account, Chat, Clock, Message
from switchboard.emulators.avito.settings import AvitoEmulatorSettings

SIGNATURE_HEADER = "x-avito-messenger-signature"


def sign(secret: str, body: bytes) -> str:
    """Avito does not document the scheme; this is what careful receivers verify."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class DeliveryRecord:
    id: str
    url: str
    chat_id: str
    message_id: str
    author_id: int
    duplicate: bool  # the extra copy sent under the duplicate_webhooks fault
    message_type: str = "text"
    state: str = "pending"  # pending | delivered | failed | dropped (never sent, by fault)
    attempts: int = 0
    status_code: int | None = None
    error: str | None = None


@dataclass
class _Outgoing:
    record: DeliveryRecord
    body: bytes
    headers: dict[str, str]


class WebhookDispatcher:
    """Owns the HTTP client and delivery tasks; enter it for the app's lifetime."""

    def __init__(self, settings: AvitoEmulatorSettings, clock: Clock, ids: IdFactory,
                 faults: Faults, rng: random.Random) -> None:
        self.log: deque[DeliveryRecord] = deque(maxlen=settings.delivery_log_size)
        self._settings = settings
        self._clock = clock
        self._ids = ids
        self._faults = faults
        self._rng = rng
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: list[_Outgoing] = []  # waiting to go out in reverse (reorder_webhooks)

    async def __aenter__(self) -> WebhookDispatcher:
        self._client = httpx.AsyncClient(timeout=self._settings.webhook_timeout_s)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def dispatch(self, account: Account, chat: Chat, message: Message) -> list[str]:
        """Start delivering `message` to each of the account's URLs; returns delivery ids."""
        if self._client is None:
            raise RuntimeError("webhook dispatcher used outside the app's lifespan")
        value = render.webhook_value(chat, message, account)
        delivery_ids = []
        for url in account.subscriptions:
            delivery_id = self._ids.delivery()
            envelope = {"id": delivery_id, "version": "v3.0.0",
                        "timestamp": int(self._clock.now()),
                        "payload": {"type": "message", "value": value}}
            body = json.dumps(envelope, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json",
                       SIGNATURE_HEADER: sign(account.client_secret, body)}
            for copy in range(2 if self._faults.duplicate_webhooks else 1):
                record = DeliveryRecord(delivery_id, url, chat.id, message.id, message.author_id,
                                        duplicate=copy > 0, message_type=message.type)
                self.log.append(record)
                self._route(_Outgoing(record, body, headers))
            delivery_ids.append(delivery_id)
        return delivery_ids

    def _route(self, outgoing: _Outgoing) -> None:
        if self._faults.take_drop():
            # Lost on the way, as real deliveries sometimes are: only reconciliation finds it.
            outgoing.record.state = "dropped"
        elif self._faults.reorder_webhooks:
            self._held.append(outgoing)
            if len(self._held) == 1:
                self._spawn(self._release_reversed())
        else:
            self._spawn(self._deliver(outgoing))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _release_reversed(self) -> None:
        """Hold deliveries for a moment, then send the batch newest first, one by one."""
        await asyncio.sleep(self._faults.reorder_window_ms / 1000)
        batch, self._held = self._held, []
        for outgoing in reversed(batch):
            await self._attempts(outgoing)

    async def _deliver(self, outgoing: _Outgoing) -> None:
        if jitter_ms := self._faults.webhook_jitter_ms:
            # Random delays let later messages overtake earlier ones, as out-of-order
            # deliveries would.
            await asyncio.sleep(self._rng.uniform(0, jitter_ms) / 1000)
        await self._attempts(outgoing)

    async def _attempts(self, outgoing: _Outgoing) -> None:
        record = outgoing.record
        for attempt in range(self._settings.webhook_retries + 1):
            if attempt:
                await asyncio.sleep(self._settings.webhook_backoff_s * 2 ** (attempt - 1))
            record.attempts += 1
            if await self._post(record, outgoing.body, outgoing.headers):
                record.state = "delivered"
                return
        record.state = "failed"

    async def _post(self, record: DeliveryRecord, body: bytes, headers: dict[str, str]) -> bool:
        assert self._client is not None
        try:
            response = await self._client.post(record.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            record.status_code, record.error = None, f"{type(exc).__name__}: {exc}"
            return False
        record.status_code, record.error = response.status_code, None
        return response.is_success

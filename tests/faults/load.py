"""A steady mixed load, recorded so that it can be accounted for afterwards: buyers writing on
every shop (the emulator delivers the webhooks), managers replying through the public API to
the shops without the agent, and buyers asking the agent's shop its FAQ questions.

Replies are sent as a careful client would: with an Idempotency-Key, retried with the same key
on anything but a clear answer, so one reply the API accepted (201) is one message.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

from switchboard.devstack.agent_seed import SANDBOX_FAQ
from tests.faults.stack import FaultStack, Shop

# How long a reply in flight when the load stops may still take to be accepted.
REPLY_FLUSH_S = 60.0


@dataclass
class Offered:
    """A message a buyer wrote on Avito (the emulator), in a chat of `shop`."""

    shop: Shop
    chat_id: str
    message_id: str
    at: float  # wall clock


@dataclass
class Reply:
    """A reply the API accepted (201): the message it stored, and its text."""

    shop: Shop
    chat_id: str
    message_id: str
    text: str
    attempts: int


@dataclass
class Load:
    stack: FaultStack
    label: str
    buyer_interval_s: float = 0.12
    reply_interval_s: float = 0.35
    offered: list[Offered] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # replies the API answered with a 4xx
    started_at: float = 0.0
    stopped_at: float = 0.0
    _chats: dict[str, list[str]] = field(default_factory=dict)  # channel id -> chat ids
    _conversations: dict[str, str] = field(default_factory=dict)  # chat id -> conversation id
    _rng: random.Random = field(default_factory=lambda: random.Random(11))
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Load]:
        """Write while the block runs; on exit stop the buyers and let the replies in flight
        finish (accepted, or refused with a 4xx)."""
        self.started_at = time.time()
        tasks = [asyncio.create_task(self._buyers()), asyncio.create_task(self._managers())]
        try:
            yield self
        finally:
            self._stop.set()
            self.stopped_at = time.time()
            done = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True),
                                          REPLY_FLUSH_S)
            errors = [d for d in done if isinstance(d, BaseException)]
            if errors:
                raise errors[0]

    # ---- buyers ------------------------------------------------------------------------------

    async def _buyers(self) -> None:
        questions = itertools.cycle(question for question, _ in SANDBOX_FAQ)
        for n in itertools.count():
            if self._stop.is_set():
                return
            shop = self.stack.shops[n % len(self.stack.shops)]
            text = next(questions) if shop.agent else f"{self.label}: вопрос {n}"
            await self._write(shop, text)
            await asyncio.sleep(self.buyer_interval_s)

    async def _write(self, shop: Shop, text: str) -> None:
        chats = self._chats.setdefault(shop.channel_id, [])
        # The agent's shop opens a chat every few messages (its per-hour reply cap stays far).
        fresh = self._rng.random() < (0.34 if shop.agent else 0.25)
        spec: dict[str, object] = {"text": text, "author_name": "Покупатель"}
        if chats and not fresh:
            spec["chat_id"] = self._rng.choice(chats[-6:])
        else:
            spec["item_id"] = self._rng.choice(shop.items)["id"]
        assert self.stack.control is not None
        resp = await self.stack.control.post(f"/_emulator/accounts/{shop.user_id}/incoming",
                                             json=spec)
        wrote = resp.raise_for_status().json()
        if "chat_id" not in spec:
            chats.append(wrote["chat_id"])
        self.offered.append(Offered(shop, wrote["chat_id"], wrote["message_id"], time.time()))

    # ---- managers ----------------------------------------------------------------------------

    async def _managers(self) -> None:
        shops = [shop for shop in self.stack.shops if not shop.agent]
        for n in itertools.count():
            if self._stop.is_set():
                return
            await asyncio.sleep(self.reply_interval_s)
            shop = shops[n % len(shops)]
            chats = self._chats.get(shop.channel_id, [])
            if chats:
                await self._reply(shop, self._rng.choice(chats[-6:]), f"{self.label}: ответ {n}")

    async def _reply(self, shop: Shop, chat_id: str, text: str) -> None:
        """One reply, retried with its key until the API gives a clear answer."""
        key = uuid.uuid4().hex
        for attempt in itertools.count(1):
            conversation_id = await self._conversation(shop, chat_id)
            if conversation_id is None:
                return  # not in the inbox (yet): a manager cannot answer it
            try:
                resp = await shop.tenant.http.post(
                    f"/v1/conversations/{conversation_id}/messages", json={"text": text},
                    headers={"Idempotency-Key": key}, timeout=5)
            except httpx.HTTPError:
                resp = None
            if resp is not None and resp.status_code == 201:
                self.replies.append(Reply(shop, chat_id, resp.json()["id"], text, attempt))
                return
            if resp is not None and 400 <= resp.status_code < 500 \
                    and resp.status_code not in (408, 429):
                self.refused.append(f"{resp.status_code} {resp.text[:200]}")
                return
            await asyncio.sleep(0.3)

    async def _conversation(self, shop: Shop, chat_id: str) -> str | None:
        """The conversation of a chat, from the API (None until it exists or is reachable)."""
        if chat_id not in self._conversations:
            try:
                resp = await shop.tenant.http.get("/v1/conversations", params={
                    "channel": shop.channel_id, "limit": 100}, timeout=5)
            except httpx.HTTPError:
                return None
            if resp.status_code != 200:
                return None
            for conv in resp.json()["items"]:
                self._conversations[conv["external_chat_id"]] = conv["id"]
        return self._conversations.get(chat_id)

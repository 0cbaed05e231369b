"""What the Telegram bot tests share: bots made on the session's Telegram emulator, their
webhook as the emulator holds it, an update posted as Telegram does, a page of the bot
runner's durable, and the runner's view of the credentials (as the `telegram_bot` caller)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
from nats.js.api import ConsumerConfig

from clients.rpc import topics
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.kernel.bus import Bus
from services.kernel.wire import Caller
from switchboard.credentials import Credentials
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform

_update_ids = itertools.count(500_000_000)


async def new_bot(platform: RunningPlatform, **spec: Any) -> dict[str, Any]:
    resp = await platform.telegram.post("/_emulator/bots", json=spec)
    return resp.raise_for_status().json()  # type: ignore[no-any-return]


async def webhook_of(platform: RunningPlatform, bot: dict[str, Any]) -> dict[str, Any] | None:
    resp = await platform.telegram.get(f"/_emulator/bots/{bot['id']}")
    return resp.raise_for_status().json()["webhook"]  # type: ignore[no-any-return]


async def webhook_info(platform: RunningPlatform, bot: dict[str, Any]) -> dict[str, Any]:
    resp = await platform.telegram.post(f"/bot{bot['token']}/getWebhookInfo")
    return resp.raise_for_status().json()["result"]  # type: ignore[no-any-return]


def update(text: str = "Привет", update_id: int | None = None) -> dict[str, Any]:
    return {"update_id": update_id if update_id is not None else next(_update_ids),
            "message": {"message_id": 1, "date": 1_700_000_000, "text": text,
                        "chat": {"id": 1001, "type": "private", "first_name": "Олег"},
                        "from": {"id": 1001, "is_bot": False, "first_name": "Олег"}}}


async def post_update(http: httpx.AsyncClient, bot_id: str, body: Any,
                      secret: str | None) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return await http.post(f"/webhooks/telegram/{bot_id}", content=content,
                           headers={"Content-Type": "application/json", **headers})


async def runner_updates(bus: Bus, bot_id: str,
                         count: int = 1) -> list[tuple[str, channel_events.TelegramUpdateReceived]]:
    """`count` updates of `bot_id` as the bot runner's durable gives them (subject, payload);
    the others it gives are acknowledged and passed over (other tests' bots)."""
    durable = topics.TELEGRAM_BOT_UPDATES
    sub = await bus.js.pull_subscribe(
        durable.topic.pattern, durable=durable.name, stream=durable.topic.stream.name,
        config=ConsumerConfig(ack_wait=30))
    found: list[tuple[str, channel_events.TelegramUpdateReceived]] = []

    async def fetched() -> bool:
        for msg in await _fetch(sub):
            event = channel_events.TelegramUpdateReceived.FromString(msg.data)
            if event.bot_id == bot_id:
                found.append((msg.subject, event))
            await msg.ack()
        return len(found) >= count
    try:
        await eventually(fetched, within=15)
    finally:
        await sub.unsubscribe()
    return found


async def _fetch(sub: Any) -> list[Any]:
    try:
        return list(await sub.fetch(batch=50, timeout=0.5))
    except TimeoutError:
        return []


async def runner_credentials(platform: RunningPlatform, credentials: Credentials,
                             bot_id: str) -> pb.TelegramBotCredentials | None:
    """The bot as the runner reads it (ListTelegramBotCredentials, every page)."""
    async for bot in _every_credential(platform, credentials):
        if bot.bot_id == bot_id:
            return bot
    return None


async def _every_credential(platform: RunningPlatform,
                            credentials: Credentials) -> AsyncIterator[pb.TelegramBotCredentials]:
    channel = open_channel(platform.platform.runtimes["channels"].grpc.address)
    runner = ChannelsClient(channel, Caller("telegram_bot", credentials.grpc["telegram_bot"]))
    try:
        after = ""
        while True:
            page = await runner.list_telegram_bot_credentials(after, limit=500)
            for bot in page.bots:
                yield bot
            if not page.next_after:
                return
            after = page.next_after
    finally:
        await channel.close()


def new_id() -> str:
    return str(uuid.uuid4())

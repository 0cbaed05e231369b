"""The telegram-bot component as operators see it: gRPC health like every component's (SERVING
while it runs, NOT_SERVING from the moment it drains), its metrics, a bot registry that cannot
be read (the runner keeps its bots, the failure is counted and logged once per streak, the next
good read logged once too), and updates of bots it does not know (the registry read again at
once; still unknown: dead-lettered with the update kept as it came)."""

from __future__ import annotations

import logging
import uuid

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import REGISTRY

from clients.rpc import topics
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.kernel.bus import Bus
from switchboard.credentials import Credentials
from switchboard.devstack.ports import free_port
from tests.clients.telegram_bot.conftest import new_buyer
from tests.e2e.telegram_bot import COMPONENT, bot_component, following, seller_bot, status
from tests.fixtures.events import Recorder, eventually
from tests.fixtures.platform import RunningPlatform

pytestmark = pytest.mark.slow

REGISTRY_LOGGER = "switchboard.telegram_bot.registry"


async def _health(address: str) -> int:
    async with grpc.aio.insecure_channel(address) as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=5)
    return int(reply.status)


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_health_says_serving_while_running_and_not_serving_once_draining(
        platform: RunningPlatform, credentials: Credentials) -> None:
    listen = f"127.0.0.1:{free_port()}"
    async with bot_component(platform, credentials, grpc_listen=listen) as component:
        runtime = component.runtimes[COMPONENT]
        assert await _health(listen) == health_pb2.HealthCheckResponse.SERVING
        assert _sample("switchboard_telegram_registry_reads_total", outcome="ok") >= 1
        assert REGISTRY.get_sample_value("switchboard_telegram_bots", {"state": "running"}) \
            is not None
        await runtime.quiesce(5)
        assert await _health(listen) == health_pb2.HealthCheckResponse.NOT_SERVING


async def test_an_unreadable_registry_keeps_the_bots_running_and_is_logged_once_per_streak(
        platform: RunningPlatform, credentials: Credentials,
        caplog: pytest.LogCaptureFixture) -> None:
    seller = await platform.new_tenant("Registry shop")
    shop = await platform.connect_sandbox_shop(seller)
    async with bot_component(platform, credentials) as component:
        linked = await seller_bot(platform, seller, "Магазин")
        await following(component, linked.bot_id)
        registry = component.runtimes[COMPONENT].registry  # type: ignore[attr-defined]
        reachable = registry.channels
        nowhere = open_channel(f"127.0.0.1:{free_port()}")  # channels down, as the runner sees it
        errors = _sample("switchboard_telegram_registry_reads_total", outcome="error")
        with caplog.at_level(logging.INFO, logger=REGISTRY_LOGGER):
            registry.channels = ChannelsClient(nowhere, reachable._caller, deadline_s=0.5)
            await eventually(lambda: _failed_reads(errors, 3), within=30)
            # The bot still runs and still posts what its buyers write.
            assert status(component, linked.bot_id) is not None
            await new_buyer(platform, shop, "Пока реестр недоступен", name="Вера")
            topic = await linked.topic("Вера")
            await linked.texts_until(topic["message_thread_id"], "Пока реестр недоступен")
            registry.channels = reachable
            await eventually(lambda: _logged(caplog, "readable again"), within=30)
        await nowhere.close()
    failures = [r for r in caplog.records if "reading the bot registry failed" in r.getMessage()]
    assert len(failures) == 1, [r.getMessage() for r in caplog.records]


async def _failed_reads(before: float, count: int) -> bool:
    return _sample("switchboard_telegram_registry_reads_total", outcome="error") >= before + count


async def _logged(caplog: pytest.LogCaptureFixture, words: str) -> bool:
    return any(words in r.getMessage() for r in caplog.records)


async def test_an_update_of_a_bot_registered_since_the_last_read_is_handled_at_once(
        platform: RunningPlatform, credentials: Credentials) -> None:
    """The registry is read again when an update names a bot the runner does not know yet,
    rather than waiting for the next periodic read (here: an hour away)."""
    seller = await platform.new_tenant("Fresh shop")
    async with bot_component(platform, credentials, telegram_bot_refresh_s=3600.0) as component:
        linked = await seller_bot(platform, seller, "Магазин")
        assert status(component, linked.bot_id) is None  # not read yet
        await linked.link_owner()  # its /start reaches the runner through the webhook
        assert status(component, linked.bot_id) is not None


async def test_an_update_of_an_unknown_bot_is_dead_lettered_after_one_more_read(
        platform: RunningPlatform, credentials: Credentials, bus: Bus) -> None:
    tenant, bot_id = uuid.uuid4(), str(uuid.uuid4())
    update = channel_events.TelegramUpdateReceived(
        bot_id=bot_id, update_id=7, body=b'{"update_id": 7}')
    async with bot_component(platform, credentials) as _, \
            Recorder(bus, f"sb.dlq.{topics.TELEGRAM_BOT_UPDATES.name}") as dead:
        reads = _sample("switchboard_telegram_registry_reads_total", outcome="ok")
        dead_letters = _sample("switchboard_telegram_updates_total", outcome="dead_letter")
        await bus.publish_event(topics.TELEGRAM_UPDATE_RECEIVED, tenant, update,
                                msg_id=f"telegram:{bot_id}:7")
        [(_, data)] = await eventually(lambda: _some(dead.messages), within=20)
    assert channel_events.TelegramUpdateReceived.FromString(data) == update  # kept as it came
    assert _sample("switchboard_telegram_registry_reads_total", outcome="ok") > reads
    assert _sample("switchboard_telegram_updates_total", outcome="dead_letter") == dead_letters + 1


async def _some(messages: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return list(messages)

"""The telegram-bot component as operators see it: gRPC health like every component's (SERVING
while it runs, NOT_SERVING from the moment it drains), its metrics, and a bot registry that
cannot be read — the runner keeps its bots, the failure is counted and logged once per streak,
and the next good read is logged once too."""

from __future__ import annotations

import logging

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from prometheus_client import REGISTRY

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from switchboard.credentials import Credentials
from switchboard.devstack.ports import free_port
from tests.clients.telegram_bot.conftest import new_buyer
from tests.e2e.telegram_bot import COMPONENT, bot_component, following, seller_bot, status
from tests.fixtures.events import eventually
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

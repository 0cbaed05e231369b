"""`switchboard serve telegram-bot` in its own process, configured by env as the chart does it
(its own NATS user and gRPC token, channels' target, the gateway's URL): ready by gRPC health,
/metrics on its port, a bot registered through the API running in it, and SIGTERM stopping it
cleanly."""

from __future__ import annotations

import asyncio
import os
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from clients.telegram_bot import Store
from switchboard.credentials import Credentials
from switchboard.devstack.ports import free_port
from switchboard.devstack.processes import ComponentProcess, grpc_serving
from tests.clients.telegram_bot.conftest import new_buyer, subscribed
from tests.e2e.telegram_bot import seller_bot
from tests.fixtures.platform import RunningPlatform

pytestmark = pytest.mark.slow


@pytest.fixture
async def store(app_url: str) -> AsyncIterator[Store]:
    """The runner's store as the test reads it (the runtime role)."""
    opened = Store(app_url, pool_size=2)
    yield opened
    await opened.close()


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        return str(reply.read().decode())


async def test_serve_telegram_bot_runs_the_bots_and_stops_on_sigterm(
        platform: RunningPlatform, credentials: Credentials, store: Store,
        tmp_path: Path) -> None:
    listen, metrics = f"127.0.0.1:{free_port()}", free_port()
    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*",
           "SWITCHBOARD_DATABASE_URL": platform.settings.database_url,
           "SWITCHBOARD_NATS_URL": platform.settings.nats_url,
           "SWITCHBOARD_CHANNELS_TARGET": platform.platform.runtimes["channels"].grpc.address,
           "SWITCHBOARD_TELEGRAM_BOT_GATEWAY_URL": platform.gateway_url,
           "SWITCHBOARD_TELEGRAM_API_BASE_URL": platform.telegram_url,
           "SWITCHBOARD_TELEGRAM_BOT_REFRESH_S": "0.5", "SWITCHBOARD_SHUTDOWN_GRACE_S": "3",
           "SWITCHBOARD_GRPC_LISTEN": listen, "SWITCHBOARD_METRICS_PORT": str(metrics),
           **{f"SWITCHBOARD_{key.upper()}": value
              for key, value in credentials.settings_for("telegram_bot").items()}}
    process = ComponentProcess("telegram-bot", env, tmp_path / "telegram-bot.log",
                               grpc_serving(listen))
    process.start()
    try:
        await asyncio.to_thread(process.wait_ready)
        assert "switchboard_telegram_registry_reads_total" in _scrape(metrics)
        seller = await platform.new_tenant("Served shop")
        shop = await platform.connect_sandbox_shop(seller)
        linked = await seller_bot(platform, seller, "Магазин")
        await subscribed(store, linked.config)  # the process's window of the bot has begun
        await new_buyer(platform, shop, "Здравствуйте, а доставка есть?", name="Семён")
        topic = await linked.topic("Семён")
        await linked.texts_until(topic["message_thread_id"], "Здравствуйте, а доставка есть?")
    except BaseException:  # what the process said goes into the failure's report
        print(f"telegram-bot process log:\n{process.log_tail(60)}")
        raise
    finally:
        await asyncio.to_thread(process.stop)
    log = (tmp_path / "telegram-bot.log").read_text()
    assert "telegram bot runner stopped" in log, process.log_tail()

"""The bench's own stack: embedded PostgreSQL (fast mode) and NATS under `.switchboard/bench/`,
migrated, the Avito emulator (rate limits off), the Telegram emulator (flood limits off until a
scenario sets its own), and the platform in-process (`start_platform`, the bot runner
included) or, with `workers` > 1, as `switchboard serve all --workers N`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from clients.rpc import topics
from clients.rpc.permissions import ADMIN
from gateway.config import GatewaySettings
from gateway.identity.service import IdentityService
from gateway.webhooks.fairness import TenantLanes
from services.channels.models import AccountStatus
from services.kernel.config import KernelSettings
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from services.kernel.logging import configure_logging
from services.kernel.wire import Durable
from switchboard.components import COMPONENTS
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.ports import free_port
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.devstack.seed import register_partner_app
from switchboard.devstack.served import ServedPlatform
from switchboard.emulators.avito import AvitoEmulatorSettings
from switchboard.emulators.avito import create_app as create_avito_emulator
from switchboard.emulators.telegram import Limits, TelegramEmulatorSettings
from switchboard.emulators.telegram import create_app as create_telegram_emulator
from switchboard.http_server import BackgroundServer
from switchboard.platform import Platform, start_platform
from switchboard.streams import ensure_streams

# The consumers an inbound message and its reply pass through (idle = none has work left).
PIPELINE_DURABLES = (topics.CHANNELS_WEBHOOKS, topics.CHANNELS_WEBHOOKS_OVERFLOW,
                     topics.CONVERSATIONS_INBOUND, topics.CHANNELS_SENDER,
                     topics.CONVERSATIONS_DELIVERY)


@dataclass
class BenchTenant:
    tenant_id: uuid.UUID
    api_key: str
    channel_id: str = ""
    webhook_path: str = ""
    secret: str = ""
    user_id: int = 0
    email: str = ""
    password: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@dataclass
class BenchStack:
    data_dir: Path
    database: str
    postgres: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None
    emulator: BackgroundServer | None = None
    telegram: BackgroundServer | None = None
    platform: Platform | None = None
    db: Database | None = None
    owner_url: str = ""
    # The bench's own connections (purges, pauses, backlog checks) play the bus's operator:
    # the admin user's URL, credentials in it. The components connect as themselves.
    nats_url: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    # 1: the platform in this process (scenarios may reach into it); N > 1: `switchboard serve
    # all --workers N` in processes of its own, reached only as a client would.
    workers: int = 1
    served: ServedPlatform | None = None

    @property
    def gateway_url(self) -> str:
        if self.served is not None:
            return self.served.gateway_url
        assert self.platform is not None
        return self.platform.gateway_url

    async def start_servers(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        configure_logging("WARNING", file=self.data_dir / "bench.log", console_level="ERROR")
        self.postgres = EmbeddedPostgres(self.data_dir / "postgres", fast=True)
        await asyncio.to_thread(self.postgres.start)
        await ensure_database(self.postgres.url(), self.database)
        self.owner_url = self.postgres.url(self.database)
        await migrate_database(self.owner_url)
        await self._retire_earlier_shops()
        self.nats = EmbeddedNats(self.data_dir / "nats")
        await asyncio.to_thread(self.nats.start)
        admin = self.nats.credentials.nats_login(ADMIN)
        self.nats_url = f"nats://{admin['user']}:{admin['password']}@127.0.0.1:{self.nats.port}"
        await ensure_streams(KernelSettings(
            nats_url=self.nats.url, **self.nats.credentials.admin_settings()))

    async def start_platform(self) -> None:
        self.emulator = BackgroundServer(create_avito_emulator(AvitoEmulatorSettings(
            rate_limit_per_minute=10**9, rate_limits={"items": 10**9, "item": 10**9},
            webhook_timeout_s=5.0)))
        await self.emulator.start()
        self.telegram = BackgroundServer(create_telegram_emulator(TelegramEmulatorSettings(
            limits=Limits(enabled=False))))
        await self.telegram.start()
        port = free_port()
        app_url = runtime_url(self.owner_url)
        self.settings = {
            "database_url": app_url, "nats_url": self.nats.url,
            "secret_key": self._secret_key(),
            "grpc_callers": self.nats.credentials.grpc_callers,
            "http_port": port, "public_base_url": f"http://127.0.0.1:{port}",
            "avito_sandbox_url": self.emulator.url, "log_level": "WARNING",
            # Channels (registering bots) and the bot runner call the Telegram emulator.
            "telegram_api_base_url": self.telegram.url,
            "channels_target": "127.0.0.1:0", "conversations_target": "127.0.0.1:0",
            "agent_target": "127.0.0.1:0", "scheduling_target": "127.0.0.1:0",
            "integrations_target": "127.0.0.1:0",
            "analytics_target": "127.0.0.1:0",
            # Our client's per-account Avito budget (5/s, Avito's own limit) is lifted like the
            # emulator's limits: scenario 3 measures the platform, not a configured policy.
            "avito_rate_per_s": 1e6, "avito_rate_burst": 10**6,
            # Likewise the API's rate limits: the scenarios drive one tenant past a customer's
            # budget on purpose (reply POSTs at 100/s, the inbox list at full speed).
            "rate_limit_tenant_per_s": 1e6, "rate_limit_tenant_burst": 1e6,
            "rate_limit_key_per_s": 1e6, "rate_limit_key_burst": 1e6,
            "graphql_cost_per_s": 1e9, "graphql_cost_burst": 1e9}
        self.settings |= await register_partner_app(self.emulator.url,
                                                    self.settings["public_base_url"])
        if self.workers == 1:
            self.platform = await start_platform(
                COMPONENTS, self.nats.credentials.per_component(), **self.settings)
        else:
            self.served = ServedPlatform(self.settings, self.nats.credentials.per_component(),
                                         self.workers, self.data_dir / "platform.log")
            await self.served.start()
        self.db = Database(app_url, pool_size=4)

    async def _retire_earlier_shops(self) -> None:
        """Shops connected by earlier runs point at emulators that are gone: disconnected,
        so their reconciliation does not keep failing (and working) in the background of
        this run. The generated inbox data set has no channels and is kept."""
        conn = await asyncpg.connect(self.owner_url)  # the embedded superuser: no RLS
        try:
            async with conn.transaction():
                await conn.execute("DELETE FROM channels.sync_state")
                await conn.execute(
                    "UPDATE channels.channel_accounts SET status = $1, disconnected_at = now()"
                    " WHERE status = $2", int(AccountStatus.DISCONNECTED), int(AccountStatus.ACTIVE))
        finally:
            await conn.close()

    def _secret_key(self) -> str:
        """Kept beside the cached database: channels stored by earlier runs stay readable."""
        path = self.data_dir / f"secret_key.{self.database}"
        if not path.exists():
            path.write_text(SecretBox.generate_key())
            path.chmod(0o600)
        return path.read_text().strip()

    async def new_tenant(self, name: str = "Bench shop", *, with_channel: bool = True) -> BenchTenant:
        """A tenant (agent left disabled: the default) with a sandbox Avito shop connected."""
        assert self.db is not None and self.emulator is not None
        email, password = f"bench-{uuid.uuid4().hex[:10]}@example.com", "password-123"
        created = await IdentityService(self.db, GatewaySettings(**self.settings)).create_tenant(
            name, email, password)
        tenant = BenchTenant(created.tenant_id, created.api_key, email=email, password=password)
        if not with_channel:
            return tenant
        async with httpx.AsyncClient(timeout=30) as http:
            account = (await http.post(f"{self.emulator.url}/_emulator/accounts", json={
                "name": name, "items": [{"title": "Диван", "price": 34990}]})).raise_for_status().json()
            resp = await http.post(f"{self.gateway_url}/v1/channels/avito", headers=tenant.headers,
                                   json={"name": name, "client_id": account["client_id"],
                                         "client_secret": account["client_secret"], "sandbox": True})
            channel = resp.raise_for_status().json()
        tenant.channel_id = channel["id"]
        tenant.secret = account["client_secret"]
        tenant.user_id = int(account["user_id"])
        tenant.webhook_path = await self._webhook_path(tenant, channel)
        return tenant

    async def _webhook_path(self, tenant: BenchTenant, channel: dict[str, Any]) -> str:
        """The signed URL Avito was subscribed to (the emulator knows it unmasked)."""
        assert self.emulator is not None
        async with httpx.AsyncClient(timeout=10) as http:
            accounts = (await http.get(f"{self.emulator.url}/_emulator/accounts")).json()
        for acc in accounts.get("accounts", accounts if isinstance(accounts, list) else []):
            if int(acc["user_id"]) == tenant.user_id and acc.get("subscriptions"):
                url = acc["subscriptions"][0]
                return "/" + str(url).split("/", 3)[3]
        raise RuntimeError(f"no webhook subscription for channel {channel['id']}")

    def gateway_app_state(self) -> Any:
        return self.gateway_app().state.gateway

    def gateway_app(self) -> Any:
        if self.platform is None or self.platform.gateway is None:
            raise RuntimeError("this scenario reaches into the platform: run it in-process "
                               "(without --workers)")
        return self.platform.gateway.app

    @contextlib.contextmanager
    def fairness_lifted(self) -> Iterator[None]:
        """No per-tenant webhook lanes for a while: every delivery takes the regular lane."""
        ingress = self.gateway_app_state().webhooks
        lanes = ingress.lanes
        ingress.lanes = TenantLanes(rate_per_s=1e12, burst=1e12)
        try:
            yield
        finally:
            ingress.lanes = lanes

    async def stop(self) -> None:
        if self.db is not None:
            await self.db.dispose()
        if self.platform is not None:
            await self.platform.stop(3)
        if self.served is not None:
            await self.served.stop()
        for emulator in (self.emulator, self.telegram):
            if emulator is not None:
                await emulator.stop()
        for server in (self.nats, self.postgres):
            if server is not None:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(server.stop)


async def run_loadgen(spec: dict[str, Any], limit_s: float = 300) -> dict[str, Any]:
    """Run `switchboard.bench.loadgen` in its own process; its JSON result."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "switchboard.bench.loadgen", stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "NO_PROXY": "*", "no_proxy": "*"})
    out, err = await asyncio.wait_for(proc.communicate(json.dumps(spec).encode()), limit_s)
    if proc.returncode != 0:
        raise RuntimeError(f"loadgen failed ({proc.returncode}): {err.decode()[-2000:]}")
    result: dict[str, Any] = json.loads(out)
    return result


async def purge_tenant(nats_url: str, tenant_id: uuid.UUID) -> None:
    """Drop a bench tenant's unprocessed inbound backlog (what a run offered beyond what the
    pipeline could take within the scenario's drain window), so the next run starts idle."""
    import nats

    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for stream in (topics.WEBHOOKS, topics.CHANNELS, topics.CONVERSATIONS):
            await js.purge_stream(stream.name, subject=stream.tenant_pattern(tenant_id))
    finally:
        await nc.close()


@contextlib.asynccontextmanager
async def consumer_paused(nats_url: str, durable: Durable,
                          limit_s: float = 120.0) -> AsyncIterator[None]:
    """Pause a durable consumer with JetStream's own consumer pause (nats-server >= 2.11):
    messages wait in the stream, nothing in the platform changes. Resumed on exit, and by the
    server itself after `limit_s` should the bench die first."""
    import nats

    nc = await nats.connect(nats_url)
    api = f"$JS.API.CONSUMER.PAUSE.{durable.topic.stream.name}.{durable.name}"
    until = datetime.now(UTC) + timedelta(seconds=limit_s)
    try:
        reply = json.loads((await nc.request(api, json.dumps(
            {"pause_until": until.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}).encode(), timeout=5)).data)
        if not reply.get("paused"):
            raise RuntimeError(f"could not pause {durable.name}: {reply}")
        yield
    finally:
        with contextlib.suppress(Exception):
            await nc.request(api, b"{}", timeout=5)
        await nc.close()


async def wait_idle(nats_url: str, limit_s: float = 90.0) -> float:
    """Wait until the inbound consumers have nothing pending or unacked; seconds waited."""
    import nats

    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    started = asyncio.get_running_loop().time()
    try:
        while asyncio.get_running_loop().time() - started < limit_s:
            busy = 0
            for durable in PIPELINE_DURABLES:
                with contextlib.suppress(Exception):
                    info = await js.consumer_info(durable.topic.stream.name, durable.name)
                    busy += info.num_pending + info.num_ack_pending
            if not busy:
                break
            await asyncio.sleep(0.2)
    finally:
        await nc.close()
    return asyncio.get_running_loop().time() - started

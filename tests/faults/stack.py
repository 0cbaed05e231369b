"""The fault suite's platform: its own PostgreSQL and NATS (a single node or a 3-node
cluster), the Avito emulator in this process, and every component as its own
`switchboard serve` process; two tenants with two sandbox shops each, the agent answering one
shop from a small FAQ. Everything a scenario needs to break and then account for."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import nats
from nats.aio.client import Client as NatsClient
from pydantic import SecretStr

from clients.rpc import topics
from clients.rpc.permissions import ADMIN
from gateway.config import GatewaySettings
from gateway.identity.service import IdentityService
from services.channels.models import SendStatus
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from switchboard.components import COMPONENTS, SERVICES
from switchboard.credentials import Credentials
from switchboard.devstack.agent_seed import enable_sandbox_agent
from switchboard.devstack.database import runtime_url
from switchboard.devstack.processes import ProcessPlatform
from switchboard.emulators.avito import AvitoEmulatorSettings
from switchboard.emulators.avito import create_app as create_avito_emulator
from switchboard.http_server import BackgroundServer

ITEMS = [{"title": "iPhone 13, 128 ГБ", "price": 52000},
         {"title": "Велосипед Stels", "price": 18500},
         {"title": "Диван угловой", "price": 34990}]
SCHEMAS_WITH_OUTBOX = ("conversations", "channels", "agent")
# Settings of the processes under test: short enough that a scenario's retries end within it.
PROCESS_ENV = {
    "SWITCHBOARD_LOG_LEVEL": "INFO",
    "SWITCHBOARD_DATABASE_POOL_SIZE": "5",
    "SWITCHBOARD_SHUTDOWN_GRACE_S": "3",
    "SWITCHBOARD_AVITO_TIMEOUT_S": "2",
    "SWITCHBOARD_AVITO_BACKOFF_MAX_S": "1",
    "SWITCHBOARD_SEND_RETRY_BACKOFF_S": "[0.5, 1, 2, 3, 5]",
    "SWITCHBOARD_SEND_MAX_DELIVERIES": "8",
    # A send a killed process held is redelivered after channels-sender's ack_wait (a live one
    # keeps its batch with in-progress acks: services/kernel/bus/consumers.py).
    "SWITCHBOARD_SEND_BATCH": "4",
    "SWITCHBOARD_SEND_ACK_WAIT_S": "20",
    # Reconciliation rounds: scheduling's platform job asks channels every half second.
    "SWITCHBOARD_JOB_CHANNELS_RECONCILE_S": "0.5",
    "SWITCHBOARD_SCHEDULING_POLL_S": "0.5",
    "SWITCHBOARD_SYNC_RETRY_BASE_S": "2",
    "SWITCHBOARD_AGENT_SCHEDULER_POLL_S": "0.2",
    "SWITCHBOARD_AGENT_RETRY_BACKOFF_S": "[0.5, 1, 2, 3]",
    "SWITCHBOARD_AGENT_MAX_ATTEMPTS": "8",
    # A wait the killed agent had leased is taken up again after this (FAQ runs are short).
    "SWITCHBOARD_AGENT_LEASE_S": "10",
    "SWITCHBOARD_AUTH_CACHE_TTL_S": "30",
    "OTEL_SDK_DISABLED": "true",
}


@dataclass
class Shop:
    tenant: Tenant
    name: str
    channel_id: str
    user_id: int
    items: list[dict[str, Any]]
    agent: bool = False


@dataclass
class Tenant:
    tenant_id: uuid.UUID
    api_key: str
    http: httpx.AsyncClient


@dataclass
class FaultStack:
    """Build with `await FaultStack.create(...)`; `close()` stops what it started (the
    servers it was given are the caller's)."""

    data_dir: Path
    owner_url: str
    nats_urls: list[str]
    credentials: Credentials  # the NATS server's users, and the gRPC tokens
    replicas: int = 1  # of the streams (a NATS cluster's)
    copies: int = 1  # processes of each gRPC service
    secret_key: str = field(default_factory=SecretBox.generate_key)
    emulator: BackgroundServer | None = None
    control: httpx.AsyncClient | None = None
    processes: ProcessPlatform | None = None
    owner: asyncpg.Pool | None = None
    nc: NatsClient | None = None
    tenants: list[Tenant] = field(default_factory=list)
    shops: list[Shop] = field(default_factory=list)

    @classmethod
    async def create(cls, data_dir: Path, owner_url: str, nats_urls: list[str],
                     credentials: Credentials, *, replicas: int = 1,
                     copies: int = 1) -> FaultStack:
        stack = cls(data_dir, owner_url, nats_urls, credentials, replicas, copies)
        try:
            await stack._start()
        except BaseException:
            await stack.close()
            raise
        return stack

    async def _start(self) -> None:
        self.emulator = BackgroundServer(create_avito_emulator(AvitoEmulatorSettings(
            rate_limit_per_minute=10**9, rate_limits={"items": 10**9, "item": 10**9})))
        await self.emulator.start()
        self.control = httpx.AsyncClient(base_url=self.emulator.url, timeout=15)
        self.owner = await asyncpg.create_pool(self.owner_url, min_size=1, max_size=3)
        self.nc = await nats.connect(self.nats_urls, **self.credentials.nats_login(ADMIN),
                                     max_reconnect_attempts=-1,
                                     reconnect_time_wait=0.2, connect_timeout=5)
        self.processes = ProcessPlatform(self.data_dir, {
            **PROCESS_ENV, "SWITCHBOARD_DATABASE_URL": runtime_url(self.owner_url),
            "SWITCHBOARD_NATS_URL": self.nats_urls[0],
            "SWITCHBOARD_STREAM_REPLICAS": str(self.replicas),
            "SWITCHBOARD_SECRET_KEY": self.secret_key,
            "SWITCHBOARD_AVITO_SANDBOX_URL": self.emulator.url}, self.credentials,
            copies={name: self.copies for name in SERVICES})
        await asyncio.to_thread(self.processes.start)
        await self._seed()

    @property
    def gateway_url(self) -> str:
        assert self.processes is not None
        return self.processes.gateway_url

    async def _seed(self) -> None:
        """Two tenants, two shops each; the agent answers the first shop from its FAQ."""
        settings = GatewaySettings(database_url=runtime_url(self.owner_url),
                                   secret_key=SecretStr(self.secret_key))
        db = Database(settings.database_url, pool_size=1)
        try:
            for name in ("Alpha", "Beta"):
                created = await IdentityService(db, settings).create_tenant(
                    name, f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com", "password-123")
                self.tenants.append(Tenant(created.tenant_id, created.api_key, httpx.AsyncClient(
                    base_url=self.gateway_url, timeout=10,
                    headers={"Authorization": f"Bearer {created.api_key}"})))
        finally:
            await db.dispose()
        for tenant in self.tenants:
            for index in (1, 2):
                self.shops.append(await self._connect_shop(tenant, f"Shop {index}"))
        faq = self.shops[0]
        faq.agent = True
        async with httpx.AsyncClient(timeout=30) as http:
            await enable_sandbox_agent(http, self.gateway_url, faq.tenant.api_key, faq.channel_id)
        (await faq.tenant.http.put("/v1/agent/settings", params={"channel_id": faq.channel_id},
                                   json={"silence_window_s": 1, "max_wait_s": 3})).raise_for_status()

    async def _connect_shop(self, tenant: Tenant, name: str) -> Shop:
        assert self.control is not None
        account = (await self.control.post("/_emulator/accounts", json={
            "name": name, "items": ITEMS})).raise_for_status().json()
        resp = await tenant.http.post("/v1/channels/avito", json={
            "name": name, "client_id": account["client_id"],
            "client_secret": account["client_secret"], "sandbox": True})
        resp.raise_for_status()
        return Shop(tenant, name, resp.json()["id"], int(account["user_id"]), account["items"])

    # ---- what the emulator saw ---------------------------------------------------------------

    async def sent(self, shop: Shop) -> list[dict[str, Any]]:
        assert self.control is not None
        resp = await self.control.get(f"/_emulator/accounts/{shop.user_id}/sent")
        return list(resp.raise_for_status().json()["sent"])

    async def deliveries(self) -> list[dict[str, Any]]:
        assert self.control is not None
        resp = await self.control.get("/_emulator/deliveries")
        return list(resp.raise_for_status().json()["deliveries"])

    async def inject(self, **spec: Any) -> None:
        assert self.control is not None
        (await self.control.post("/_emulator/faults", json=spec)).raise_for_status()

    async def clear_faults(self) -> None:
        assert self.control is not None
        (await self.control.delete("/_emulator/faults")).raise_for_status()

    # ---- reconciliation and draining ---------------------------------------------------------

    async def reconcile(self, within_s: float = 60.0) -> None:
        """Ask every shop for a sync pass and wait until each has completed one."""
        async def last_sync(shop: Shop) -> str | None:
            resp = await shop.tenant.http.get(f"/v1/channels/{shop.channel_id}")
            return resp.raise_for_status().json()["last_sync_at"]  # type: ignore[no-any-return]

        before = {shop.channel_id: await last_sync(shop) for shop in self.shops}
        for shop in self.shops:
            (await shop.tenant.http.post(f"/v1/channels/{shop.channel_id}/sync")).raise_for_status()
        deadline = asyncio.get_running_loop().time() + within_s
        for shop in self.shops:
            while await last_sync(shop) == before[shop.channel_id]:
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"no sync pass of {shop.name} within {within_s:.0f}s")
                await asyncio.sleep(0.2)

    async def backlog(self) -> dict[str, int]:
        """Everything not yet processed: webhooks the emulator is still delivering, per durable
        pending + unacked, per outbox its rows, the agent's waits, sends and sync passes under
        way, and each stream's last sequence (to see it stand still)."""
        assert self.nc is not None and self.owner is not None
        js = self.nc.jetstream(timeout=5)
        seen = {"webhooks:pending": sum(d["state"] == "pending" for d in await self.deliveries())}
        for durable in topics.DURABLES:
            # The bot runner's durable (owner telegram_bot, not a component name): the suite
            # registers no bots, and the durable exists only once that process consumes.
            if durable.owner not in COMPONENTS:
                continue
            info = await js.consumer_info(durable.topic.stream.name, durable.name)
            seen[durable.name] = info.num_pending + info.num_ack_pending
        for stream in topics.STREAMS:
            seen[f"seq:{stream.name}"] = (await js.stream_info(stream.name)).state.last_seq
        async with self.owner.acquire() as conn:
            for schema in SCHEMAS_WITH_OUTBOX:
                seen[f"outbox:{schema}"] = await conn.fetchval(f"SELECT count(*) FROM {schema}.outbox")
            seen["agent:pending"] = await conn.fetchval("SELECT count(*) FROM agent.pending_replies")
            seen["channels:sending"] = await conn.fetchval(
                "SELECT count(*) FROM channels.outbound_sends WHERE status = ANY($1::int[])",
                [int(SendStatus.PENDING), int(SendStatus.SENDING)])
            # Sync passes asked for (due now: a catch-up, a SyncChannel) or under way (a claim
            # leases a row SYNC_LEASE_S, 900 s, past its update; a pass that ended sets it at
            # most SYNC_INTERVAL_S, 300 s + 10 %, ahead).
            seen["channels:syncing"] = await conn.fetchval(
                "SELECT count(*) FROM channels.sync_state WHERE next_due_at <= now() "
                "OR next_due_at > updated_at + interval '600 seconds'")
        return seen

    async def drained(self, within_s: float = 90.0) -> float:
        """Wait for a positive signal that the pipeline finished: nothing pending anywhere,
        twice in a row with the streams' sequences unchanged in between; seconds waited."""
        loop = asyncio.get_running_loop()
        started, previous = loop.time(), None
        while True:
            with contextlib.suppress(Exception):  # a server coming back answers errors a while
                now = await self.backlog()
                idle = all(v == 0 for k, v in now.items() if not k.startswith("seq:"))
                if idle and now == previous:
                    return loop.time() - started
                previous = now if idle else None
            if loop.time() - started > within_s:
                raise AssertionError(f"the pipeline did not drain within {within_s:.0f}s: "
                                     f"{ {k: v for k, v in (previous or {}).items() if v} }")
            await asyncio.sleep(0.5)

    async def close(self) -> None:
        for tenant in self.tenants:
            await tenant.http.aclose()
        if self.processes is not None:
            await asyncio.to_thread(self.processes.stop)
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await self.nc.close()
        if self.owner is not None:
            await self.owner.close()
        if self.control is not None:
            await self.control.aclose()
        if self.emulator is not None:
            await self.emulator.stop()

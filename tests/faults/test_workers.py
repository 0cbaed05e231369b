"""`switchboard serve all --workers 2` as an operator runs it: two workers share the public port
(both answer requests) and the durable consumers (both handle a shop's messages, every message
stored once); a worker killed with SIGKILL is started again and serves; SIGTERM drains both and
the supervisor exits 0. (The supervisor's rules alone: tests/cli/test_workers_supervisor.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from gateway.config import GatewaySettings
from gateway.identity.service import IdentityService
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from switchboard.devstack.database import runtime_url
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.ports import free_ports
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.devstack.processes import ProcessPlatform
from switchboard.devstack.served import serve_env
from switchboard.emulators.avito import AvitoEmulatorSettings
from switchboard.emulators.avito import create_app as create_avito_emulator
from switchboard.http_server import BackgroundServer
from tests.faults.conftest import migrated
from tests.fixtures.events import eventually

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

MESSAGES = 40


class Served:
    """The supervisor process and what it serves on."""

    def __init__(self, env: dict[str, str], http_port: int, metrics_port: int,
                 log: Path) -> None:
        self.env, self.log = env, log
        self.url = f"http://127.0.0.1:{http_port}"
        self.metrics_port = metrics_port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "switchboard", "serve", "all", "--workers", "2"],
                env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def workers(self) -> list[int]:
        """The pids of the supervisor's children (Linux: /proc/<pid>/task/<pid>/children)."""
        assert self.proc is not None
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    async def metrics(self, index: int) -> dict[str, float]:
        async with httpx.AsyncClient(timeout=5) as http:
            text = (await http.get(f"http://127.0.0.1:{self.metrics_port + index}/metrics")
                    ).raise_for_status().text
        totals: dict[str, float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                totals[sample.name] = totals.get(sample.name, 0.0) + sample.value
        return totals


@pytest.fixture(scope="module")
def own_nats(faults_dir: Path) -> Iterator[EmbeddedNats]:
    with EmbeddedNats(faults_dir / "workers-nats") as server:
        yield server


@pytest.fixture(scope="module")
async def emulator() -> AsyncIterator[BackgroundServer]:
    async with BackgroundServer(create_avito_emulator(AvitoEmulatorSettings(
            rate_limit_per_minute=10**9))) as server:
        yield server


@pytest.fixture(scope="module")
async def served(faults_dir: Path, faults_postgres: EmbeddedPostgres, own_nats: EmbeddedNats,
                 emulator: BackgroundServer) -> AsyncIterator[Served]:
    owner_url = await migrated(faults_postgres, "faults_workers")
    http_port, metrics_port, _ = free_ports(3)  # metrics on metrics_port and the next one
    env = serve_env({
        "database_url": runtime_url(owner_url), "nats_url": own_nats.url,
        "secret_key": SecretBox.generate_key(), "avito_sandbox_url": emulator.url,
        "http_port": http_port, "metrics_port": metrics_port,
        "public_base_url": f"http://127.0.0.1:{http_port}", "shutdown_grace_s": 3,
        "grpc_callers": own_nats.credentials.grpc_callers}, own_nats.credentials.per_component())
    # The streams, as the chart's hook makes them before the components start.
    ProcessPlatform(faults_dir / "workers-streams", env, own_nats.credentials).create_streams()
    server = Served(env, http_port, metrics_port, faults_dir / "workers.log")
    server.start()
    try:
        await eventually(lambda: _ready(server.url), within=120)
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            workers = server.workers()
            server.proc.kill()  # the workers get SIGTERM from the kernel (die_with_supervisor)
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


async def _ready(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            return (await http.get(f"{url}/readyz")).status_code == 200
    except httpx.HTTPError:
        return False


async def test_two_workers_share_the_port_and_the_consumers(
        served: Served, emulator: BackgroundServer) -> None:
    assert len(served.workers()) == 2
    # Connections, not requests, are spread: each request on a connection of its own.
    for _ in range(40):
        async with httpx.AsyncClient(base_url=served.url, timeout=10) as http:
            assert (await http.get("/v1/conversations")).status_code == 401
    answered = [(await served.metrics(i)).get("switchboard_http_requests_total", 0)
                for i in (0, 1)]
    assert all(n > 0 for n in answered), answered

    api_key = await _tenant(served)
    async with httpx.AsyncClient(base_url=served.url, timeout=30,
                                 headers={"Authorization": f"Bearer {api_key}"}) as http, \
            httpx.AsyncClient(base_url=emulator.url, timeout=10) as control:
        account = (await control.post("/_emulator/accounts", json={
            "name": "Два процесса", "items": [{"title": "Стул", "price": 1500}]})).json()
        (await http.post("/v1/channels/avito", json={
            "name": "Два процесса", "client_id": account["client_id"],
            "client_secret": account["client_secret"], "sandbox": True})).raise_for_status()
        item = account["items"][0]["id"]
        for n in range(MESSAGES):
            (await control.post(f"/_emulator/accounts/{account['user_id']}/incoming", json={
                "item_id": item, "author_name": f"Покупатель {n}",
                "text": f"вопрос {n}"})).raise_for_status()

        async def stored() -> bool:
            page = (await http.get("/v1/conversations", params={"limit": 100})).json()
            return len(page["items"]) == MESSAGES
        await eventually(stored, within=60)
    handled = [(await served.metrics(i)).get("switchboard_bus_messages_total", 0)
               for i in (0, 1)]
    assert all(n > 0 for n in handled), handled


async def test_a_killed_worker_is_started_again(served: Served) -> None:
    before = served.workers()
    os.kill(before[1], signal.SIGKILL)

    async def replaced() -> bool:
        now = served.workers()
        return len(now) == 2 and before[1] not in now
    await eventually(replaced, within=30)

    async def serving_again() -> bool:  # the new worker's own metrics port answers
        try:
            await served.metrics(1)
        except httpx.HTTPError:
            return False
        return True
    await eventually(serving_again, within=90)


async def test_sigterm_drains_every_worker_and_exits_0(served: Served) -> None:
    assert served.proc is not None
    workers = served.workers()
    served.proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(served.proc.wait, 60) == 0
    assert not [pid for pid in workers if _alive(pid)]


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


async def _tenant(served: Served) -> str:
    settings = GatewaySettings(database_url=served.env["SWITCHBOARD_DATABASE_URL"],
                               secret_key=SecretStr(served.env["SWITCHBOARD_SECRET_KEY"]))
    db = Database(settings.database_url, pool_size=1)
    try:
        created = await IdentityService(db, settings).create_tenant(
            "Workers", f"workers-{uuid.uuid4().hex[:8]}@example.com", "password-123")
    finally:
        await db.dispose()
    return created.api_key


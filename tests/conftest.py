"""Test session: one embedded PostgreSQL (migrated) and one nats-server with JetStream, real.

Every test gets fresh tenants (random ids), so tests do not need to clean up after each other.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from clients.rpc import topics
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.postgres import EmbeddedPostgres

pytest_plugins = ["tests.fixtures.tenants", "tests.fixtures.platform"]

TEST_DB = "switchboard_test"


@pytest.fixture(scope="session")
def servers_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sb-test-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="session")
def postgres(servers_dir: Path) -> Iterator[EmbeddedPostgres]:
    with EmbeddedPostgres(servers_dir / "pg", fast=True) as pg:
        yield pg


@pytest.fixture(scope="session")
async def owner_url(postgres: EmbeddedPostgres) -> str:
    await ensure_database(postgres.url(), TEST_DB)
    url = postgres.url(TEST_DB)
    await migrate_database(url)
    return url


@pytest.fixture(scope="session")
def app_url(owner_url: str) -> str:
    return runtime_url(owner_url)


@pytest.fixture(scope="session")
def nats_url(servers_dir: Path) -> Iterator[str]:
    with EmbeddedNats(servers_dir / "nats") as server:
        yield server.url


@pytest.fixture(scope="session")
def settings(app_url: str, nats_url: str) -> KernelSettings:
    return KernelSettings(
        database_url=app_url, nats_url=nats_url, secret_key=SecretBox.generate_key(),
        service_token=f"test-{uuid.uuid4().hex}", log_json=True,
        channels_target="127.0.0.1:0", conversations_target="127.0.0.1:0",
        agent_target="127.0.0.1:0")


@pytest.fixture(scope="session")
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database(app_url, pool_size=5)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
async def bus(nats_url: str) -> AsyncIterator[Bus]:
    connected = await Bus.connect(nats_url, name="tests")
    await connected.ensure_streams(topics.STREAMS)
    yield connected
    await connected.close()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("OTEL_SDK_DISABLED", "false")

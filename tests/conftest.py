"""Test session: one embedded PostgreSQL (migrated) and one nats-server with JetStream, real,
with the production users and permissions (the components connect as themselves, the test
harness as the admin: tests/fixtures/bus.py).

Every test gets fresh tenants (random ids), so tests do not need to clean up after each other.
Under `make test` each pytest worker (pytest-xdist) is a session of its own: its own servers, in
its own temporary folder, on free ports. Work goes to the workers a test file at a time, a
folder of package-scoped fixtures at a time (`FileOrPackageScheduling`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadFileScheduling

from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from switchboard.credentials import Credentials
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.postgres import EmbeddedPostgres
from tests.fixtures.bus import admin_bus, provisioned

pytest_plugins = ["tests.fixtures.tenants", "tests.fixtures.platform"]

TEST_DB = "switchboard_test"
# Folders whose fixtures are package-scoped: tests/faults starts its own PostgreSQL,
# nats-server and platform (~40 s) once for all its files.
WHOLE_PACKAGES = ("tests/faults/",)


class FileOrPackageScheduling(LoadFileScheduling):
    """`--dist loadfile`, except that each of WHOLE_PACKAGES goes to one worker whole: split by
    file, a worker started the package's stack again for every file of it that it got."""

    def _split_scope(self, nodeid: str) -> str:
        package = next((p for p in WHOLE_PACKAGES if nodeid.startswith(p)), None)
        return package or super()._split_scope(nodeid)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadFileScheduling | None:
    return FileOrPackageScheduling(config, log) if config.getoption("dist") == "loadfile" else None


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
def nats_server(servers_dir: Path) -> Iterator[EmbeddedNats]:
    with EmbeddedNats(servers_dir / "nats") as server:
        yield server


@pytest.fixture(scope="session")
def credentials(nats_server: EmbeddedNats) -> Credentials:
    """Every component's NATS password and gRPC token for this session."""
    return nats_server.credentials


@pytest.fixture(scope="session")
async def nats_url(nats_server: EmbeddedNats) -> str:
    """The session's nats-server, its streams made (by the admin, as the Helm hook does)."""
    return await provisioned(nats_server)


@pytest.fixture(scope="session")
def settings(app_url: str, nats_url: str, credentials: Credentials) -> KernelSettings:
    """What every component shares; a test calling a service directly calls as the gateway
    (`settings.caller("gateway")`). A component built from it takes its own credentials
    (`tests.fixtures.bus.as_component`)."""
    return KernelSettings(
        database_url=app_url, nats_url=nats_url, secret_key=SecretBox.generate_key(),
        grpc_callers=credentials.grpc_callers, grpc_token=credentials.grpc["gateway"],
        log_json=True, channels_target="127.0.0.1:0", conversations_target="127.0.0.1:0",
        agent_target="127.0.0.1:0", scheduling_target="127.0.0.1:0",
        integrations_target="127.0.0.1:0",
        analytics_target="127.0.0.1:0")


@pytest.fixture(scope="session")
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database(app_url, pool_size=5)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
async def bus(nats_server: EmbeddedNats, nats_url: str) -> AsyncIterator[Bus]:
    """The harness's connection, as the admin (it plays the producers and consumers tests
    stand in for)."""
    connected = await admin_bus(nats_server)
    yield connected
    await connected.close()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("OTEL_SDK_DISABLED", "false")

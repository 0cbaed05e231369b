"""The fault suite's own servers — it kills and restarts them, so it never shares the session's
PostgreSQL or nats-server — and the platform under test as separate processes."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from switchboard.devstack.database import ensure_database, migrate_database
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.postgres import EmbeddedPostgres
from tests.faults.scenario import SUMMARY
from tests.faults.stack import FaultStack


@pytest.fixture(scope="package")
def faults_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sb-faults-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="package")
def faults_postgres(faults_dir: Path) -> Iterator[EmbeddedPostgres]:
    with EmbeddedPostgres(faults_dir / "pg", fast=True) as pg:
        yield pg


async def migrated(postgres: EmbeddedPostgres, database: str) -> str:
    """A fresh database on `postgres`, migrated; its owner URL."""
    await ensure_database(postgres.url(), database)
    url = postgres.url(database)
    await migrate_database(url)
    return url


@pytest.fixture(scope="package")
def faults_nats(faults_dir: Path) -> Iterator[EmbeddedNats]:
    with EmbeddedNats(faults_dir / "nats") as server:
        yield server


@pytest.fixture(scope="package")
async def stack(faults_dir: Path, faults_postgres: EmbeddedPostgres,
                faults_nats: EmbeddedNats) -> AsyncIterator[FaultStack]:
    """The platform on one nats-server: every component its own process."""
    owner_url = await migrated(faults_postgres, "faults")
    built = await FaultStack.create(faults_dir / "platform", owner_url, [faults_nats.url],
                                    faults_nats.credentials)
    yield built
    await built.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SUMMARY:
        terminalreporter.section("fault injection: per fault, messages offered/stored/lost")
        for line in SUMMARY:
            terminalreporter.write_line(line)

"""Stopping a platform while the agent's scheduler is busy: consumers and schedulers stop
before the gRPC servers they call, and what a stop interrupts is said in one line.

A private database and nats-server: the session platform's agent would otherwise lease this
module's pending replies."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from clients.rpc.agent import AgentClient
from clients.rpc.base import open_channel
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as agent_pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from clients.rpc.permissions import ADMIN
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from switchboard.credentials import Credentials
from switchboard.emulators.llm import LlmEmulatorSettings
from switchboard.emulators.llm import create_app as create_llm_emulator
from switchboard.http_server import BackgroundServer
from switchboard.platform import Platform, start_platform
from tests.fixtures.events import eventually, publish_inbound, unified
from tests.services.agent import answering_stack

pytestmark = pytest.mark.slow

# A migrated database and a nats-server of this module's own, as the answering tests have.
stack_db_url, stack_nats_url = answering_stack.stack_db_url, answering_stack.stack_nats_url
MODEL = "sandbox-chat"
CHATS = 4
LLM_LATENCY_MS = 1500  # each answer is still waiting for the model when the stop begins


@pytest.fixture(scope="module")
async def llm() -> AsyncIterator[httpx.AsyncClient]:
    async with BackgroundServer(create_llm_emulator(LlmEmulatorSettings())) as server, \
            httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client


@pytest.fixture
async def platform(settings: KernelSettings, credentials: Credentials, stack_db_url: str,
                   stack_nats_url: str, llm: httpx.AsyncClient) -> AsyncIterator[Platform]:
    """conversations and agent; each test stops it itself (a second stop does nothing)."""
    running = await start_platform(
        ("conversations", "agent"), credentials.per_component(), **{
            **settings.model_dump(), "secret_key": settings.secret_key.get_secret_value(),
            "database_url": stack_db_url, "nats_url": stack_nats_url,
            "agent_scheduler_poll_s": 0.2, "agent_llm_timeout_s": 20,
            "agent_llm_client_retries": 0, "outbound_allow": llm.base_url.netloc.decode()})
    yield running
    await running.stop(1)


@pytest.fixture
async def db(stack_db_url: str) -> AsyncIterator[Database]:
    database = Database(stack_db_url, pool_size=1)
    yield database
    await database.dispose()


async def busy_scheduler(platform: Platform, settings: KernelSettings, nats_url: str,
                         llm: httpx.AsyncClient, db: Database,
                         credentials: Credentials) -> uuid.UUID:
    """A tenant whose agent is answering CHATS buyers, every answer waiting for the model."""
    tenant = uuid.uuid4()
    (await llm.post("/_emulator/reset")).raise_for_status()
    (await llm.post("/_emulator/faults", json={
        "endpoint": "chat", "latency_ms": LLM_LATENCY_MS, "count": CHATS})).raise_for_status()
    agent = AgentClient(open_channel(platform.runtimes["agent"].grpc.address),
                        settings.caller("gateway"))
    try:
        fields = {"enabled": True, "base_url": str(llm.base_url).rstrip("/") + "/v1", "model": MODEL,
                  "silence_window_s": 600, "max_wait_s": 600}
        await agent.update_settings(tenant, agent_pb.UpdateSettingsRequest(
            update_fields=list(fields), settings=agent_pb.AgentSettings(**fields),
            api_key="sk-test"))
    finally:
        await agent.channel.close()
    bus = await Bus.connect(nats_url, name="shutdown-test", **credentials.nats_login(ADMIN))
    try:
        channel = uuid.uuid4()
        for n in range(CHATS):
            await publish_inbound(bus, tenant, unified(channel, f"u2i-{uuid.uuid4().hex[:8]}",
                                                       f"m-{n}", f"Вопрос {n}"))
    finally:
        await bus.close()

    async def waits() -> int:
        async with db.unit_of_work(tenant) as session:
            return int(await session.scalar(text("SELECT count(*) FROM agent.pending_replies")))
    await eventually(lambda: _equal(waits(), CHATS), within=30)
    async with db.unit_of_work(tenant) as session:  # every wait ends now: one tick takes all
        await session.execute(text("UPDATE agent.pending_replies SET due_at = now()"))

    async def all_waiting_for_the_model() -> bool:
        resp = await llm.get("/_emulator/requests", params={"endpoint": "chat"})
        requests = resp.raise_for_status().json()["requests"]
        return len(requests) >= CHATS and all(r["status"] is None for r in requests)
    await eventually(all_waiting_for_the_model, within=30)
    return tenant


async def _equal(value: Any, expected: int) -> bool:
    return await value == expected


def noisy(records: list[logging.LogRecord]) -> list[str]:
    """Warnings and errors of our code, and anything carrying a traceback."""
    return [f"{r.name}: {r.getMessage()}" for r in records
            if r.exc_info or (r.levelno >= logging.WARNING
                              and r.name.startswith(("services.", "switchboard.", "clients.")))]


async def test_stopping_with_the_scheduler_busy_lets_it_finish_quietly(
        platform: Platform, settings: KernelSettings, stack_nats_url: str,
        llm: httpx.AsyncClient, db: Database, caplog: pytest.LogCaptureFixture,
        credentials: Credentials) -> None:
    tenant = await busy_scheduler(platform, settings, stack_nats_url, llm, db, credentials)
    caplog.set_level(logging.INFO)
    caplog.clear()
    await platform.stop(10)  # the positive signal: the stop returned
    assert noisy(caplog.records) == []
    # The answers in flight were finished, not lost: conversations was still serving them.
    async with db.unit_of_work(tenant) as session:
        replies = await session.scalar(text(
            "SELECT count(*) FROM conversations.messages WHERE sender = :agent"),
            {"agent": conv_pb.SENDER_KIND_AGENT})
        pending = await session.scalar(text("SELECT count(*) FROM agent.pending_replies"))
    assert (replies, pending) == (CHATS, 0)


async def test_a_run_cut_short_by_shutdown_is_one_line_and_keeps_its_row(
        platform: Platform, settings: KernelSettings, stack_nats_url: str,
        llm: httpx.AsyncClient, db: Database, caplog: pytest.LogCaptureFixture,
        credentials: Credentials) -> None:
    """As when each component runs in its own pod: conversations goes away first."""
    tenant = await busy_scheduler(platform, settings, stack_nats_url, llm, db, credentials)
    caplog.set_level(logging.INFO)
    await platform.runtimes.pop("conversations").stop(1)
    caplog.clear()
    await platform.stop(10)
    lines = noisy(caplog.records)
    assert len(lines) == 1 and "shutdown interrupted pending replies" in lines[0], lines
    record: Any = next(r for r in caplog.records if "interrupted" in r.getMessage())
    assert (record.count, record.released) == (CHATS, CHATS)
    async with db.unit_of_work(tenant) as session:  # due again at once for the next start
        leased = await session.scalar(text(
            "SELECT count(*) FROM agent.pending_replies WHERE locked_until > now()"))
        rows = await session.scalar(text("SELECT count(*) FROM agent.pending_replies"))
    assert (rows, leased) == (CHATS, 0)

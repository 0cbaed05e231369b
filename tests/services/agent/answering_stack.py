"""A private stack for the answering tests: its own database and nats-server (the session
platform runs an agent whose scheduler would otherwise lease this module's pending replies on
the real clock), the conversations service, the LLM emulator over HTTP, and agent runtimes on
a hand-moved clock whose scheduler the tests tick themselves.

Import the fixtures you use into the test module (`from ...answering_stack import stack`).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from clients.rpc.agent import AgentClient
from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as agent_pb
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as knowledge_pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from clients.rpc.knowledge import KnowledgeClient
from clients.rpc.permissions import ADMIN
from services.agent.answering.models import PendingReply
from services.agent.answering.repository import PendingRepository
from services.agent.config import AgentSettings
from services.agent.runtime import AgentRuntime, build_runtime
from services.conversations.runtime import build_runtime as build_conversations
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.runtime import ServiceRuntime
from services.kernel.wire import Caller
from switchboard.credentials import Credentials
from switchboard.devstack.database import ensure_database, migrate_database, runtime_url
from switchboard.devstack.nats import EmbeddedNats
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.emulators.llm import LlmEmulatorSettings
from switchboard.emulators.llm import create_app as create_llm_emulator
from switchboard.http_server import BackgroundServer
from tests.fixtures.bus import as_component, provisioned
from tests.fixtures.events import eventually, publish_inbound, unified

MODEL = "sandbox-chat"
FAQ = Path(__file__).resolve().parents[2] / "fixtures" / "agent" / "faq_ru.csv"


class ManualClock:
    """The agent's Clock, moved by the test."""

    def __init__(self) -> None:
        self.value = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += timedelta(seconds=seconds)


@dataclass
class Stack:
    db: Database
    bus: Bus
    settings: AgentSettings
    clock: ManualClock
    agent: AgentRuntime
    conversations: ConversationsClient
    client: AgentClient
    llm_url: str
    llm: httpx.AsyncClient
    caller: Caller  # the tests call the services as the gateway
    extra: list[AgentRuntime] = field(default_factory=list)

    async def restart(self, between: Any = None) -> None:
        """Stop every agent process, run `between()` (with the agent down), start a new one."""
        for rt in [*self.extra, self.agent]:
            await rt.stop(1)
        self.extra.clear()
        if between is not None:
            await between()
        self.agent = await build_runtime(self.settings, clock=self.clock)
        self.agent.loops = []
        await self.agent.start()
        old = self.client.channel
        self.client = AgentClient(open_channel(self.agent.grpc.address), self.caller)
        await old.close()

    async def replica(self) -> AgentRuntime:
        """Another agent process on the same database, bus and clock (stopped at teardown)."""
        rt = await build_runtime(self.settings, clock=self.clock)
        rt.loops = []
        await rt.start()
        self.extra.append(rt)
        return rt

    async def configure(self, tenant: uuid.UUID, *, llm: bool = False, **values: Any) -> None:
        """Enable the agent for the tenant (FAQ mode, or the emulator with `llm`)."""
        fields: dict[str, Any] = {"enabled": True, **values}
        if llm:
            fields |= {"base_url": f"{self.llm_url}/v1", "model": MODEL}
        limits = {k: fields.pop(k) for k in list(fields) if k.startswith("limits.")}
        handoff = {k: fields.pop(k) for k in list(fields) if k.startswith("handoff.")}
        settings = agent_pb.AgentSettings(
            **fields, limits=agent_pb.Limits(**{k[7:]: v for k, v in limits.items()}),
            handoff=agent_pb.HandoffRules(**{k[8:]: v for k, v in handoff.items()}))
        await self.client.update_settings(tenant, agent_pb.UpdateSettingsRequest(
            update_fields=[*fields, *limits, *handoff], settings=settings,
            api_key="sk-test" if llm else ""))

    async def buyer_writes(self, tenant: uuid.UUID, channel: uuid.UUID, chat: str,
                           text: str, *, revision: int | None = None) -> conv_pb.Conversation:
        """A buyer message through conversations; waits until the agent counted it."""
        await publish_inbound(self.bus, tenant, unified(channel, chat, f"m-{uuid.uuid4().hex[:8]}",
                                                         text, item_id="101", price_minor=1850000))
        conv = await self.conversation_of(tenant, chat)
        if revision is not None:
            async def counted() -> bool:
                row = await self.pending(tenant, uuid.UUID(conv.id))
                return row is not None and row.revision >= revision
            await eventually(counted)
        return conv

    async def conversation_of(self, tenant: uuid.UUID, chat: str) -> conv_pb.Conversation:
        async def found() -> conv_pb.Conversation | None:
            resp = await self.conversations.list_conversations(tenant)
            return next((c for c in resp.conversations if c.external_chat_id == chat), None)
        return await eventually(found)

    async def pending(self, tenant: uuid.UUID, conversation_id: uuid.UUID) -> PendingReply | None:
        async with self.db.unit_of_work(tenant) as session:
            return await PendingRepository(session).of_conversation(conversation_id)

    async def messages(self, tenant: uuid.UUID, conversation_id: str,
                       sender: int = conv_pb.SENDER_KIND_AGENT) -> list[conv_pb.Message]:
        """The conversation's messages from `sender` (notes left out)."""
        resp = await self.conversations.list_messages(tenant, conversation_id, page_size=100)
        return [m for m in resp.messages if m.sender == sender and m.content_type != "note"]

    async def chat_requests(self) -> list[dict[str, Any]]:
        resp = await self.llm.get("/_emulator/requests", params={"endpoint": "chat"})
        return list(resp.raise_for_status().json()["requests"])

    async def upload_faq(self, tenant: uuid.UUID) -> None:
        """The Russian FAQ set of the knowledge tests, through KnowledgeService."""
        client = KnowledgeClient(open_channel(self.agent.grpc.address), self.caller)
        try:
            [result] = await client.upload_documents(tenant, [knowledge_pb.DocumentUpload(
                name="faq.csv", mime_type="text/csv", content=FAQ.read_bytes())])
        finally:
            await client.channel.close()
        assert result.WhichOneof("outcome") == "document", result

    async def rules(self, *rules: dict[str, Any]) -> None:
        (await self.llm.post("/_emulator/rules", json=list(rules))).raise_for_status()


@pytest.fixture(scope="module")
async def stack_db_url(postgres: EmbeddedPostgres) -> str:
    name = f"answering_{uuid.uuid4().hex[:8]}"
    await ensure_database(postgres.url(), name)
    await migrate_database(postgres.url(name))
    return runtime_url(postgres.url(name))


@pytest.fixture(scope="module")
async def stack_nats_url(tmp_path_factory: pytest.TempPathFactory,
                         credentials: Credentials) -> AsyncIterator[str]:
    with EmbeddedNats(tmp_path_factory.mktemp("answering-nats"), credentials=credentials) as server:
        yield await provisioned(server)


@pytest.fixture(scope="module")
async def stack(settings: KernelSettings, credentials: Credentials, stack_db_url: str,
                stack_nats_url: str) -> AsyncIterator[Stack]:
    base = {**settings.model_dump(), "secret_key": settings.secret_key.get_secret_value(),
            "database_url": stack_db_url, "nats_url": stack_nats_url}
    caller = settings.caller("gateway")
    async with BackgroundServer(create_llm_emulator(LlmEmulatorSettings())) as llm_server:
        conversations_rt: ServiceRuntime = await build_conversations(
            as_component(KernelSettings(**base), credentials, "conversations"))
        await conversations_rt.start()
        agent_settings = AgentSettings(**{
            **base, **credentials.settings_for("agent"),
            "conversations_target": conversations_rt.grpc.address,
            "agent_target": "127.0.0.1:0", "agent_llm_timeout_s": 5, "agent_llm_client_retries": 0,
            "outbound_allow": f"{llm_server.host}:{llm_server.port}",
            "agent_llm_retries": 1, "agent_llm_backoff_s": 0.01, "agent_breaker_failures": 2,
            "agent_breaker_cooldown_s": 3600, "agent_retry_backoff_s": [1.0],
            "agent_prices": {MODEL: (1.0, 2.0)}})
        clock = ManualClock()
        agent = await build_runtime(agent_settings, clock=clock)
        agent.loops = []  # the tests tick the scheduler themselves
        await agent.start()
        db, bus = Database(stack_db_url, pool_size=3), await Bus.connect(
            stack_nats_url, name="t", **credentials.nats_login(ADMIN))
        conv_channel = open_channel(conversations_rt.grpc.address)
        async with httpx.AsyncClient(base_url=llm_server.url, timeout=10) as llm:
            built = Stack(db, bus, agent_settings, clock, agent,
                          ConversationsClient(conv_channel, caller),
                          AgentClient(open_channel(agent.grpc.address), caller),
                          llm_server.url, llm, caller)
            yield built
        for rt in [*built.extra, built.agent]:
            await rt.stop(1)
        await conversations_rt.stop(1)
        await conv_channel.close()
        await built.client.channel.close()
        await bus.close()
        await db.dispose()


@pytest.fixture
async def emulator_reset(stack: Stack) -> None:
    (await stack.llm.post("/_emulator/reset")).raise_for_status()

"""Builds the agent process: AgentService and KnowledgeService on one gRPC server, the outbox
relay, the debounce consumers (plus the knowledge ones) and the pending-reply scheduler."""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from clients.rpc import topics
from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2_grpc as rpc
from services.agent.audit import AuditWriter
from services.agent.clock import Clock, SystemClock
from services.agent.config import AgentSettings
from services.agent.consumers import AgentConsumers
from services.agent.debounce import Debouncer
from services.agent.events import AgentEvents
from services.agent.grounding import Knowledge, TenantEmbedders
from services.agent.knowledge.wiring import knowledge_bindings
from services.agent.llm import LlmClient
from services.agent.models import OutboxEvent
from services.agent.pipeline import Pipeline
from services.agent.responder import Responder
from services.agent.scheduler import Scheduler
from services.agent.service import AgentService
from services.agent.servicer import AgentServicer
from services.agent.settings_store import SettingsStore
from services.agent.summary import Summaries
from services.kernel.crypto import SecretBox
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import Outbox, OutboxRelay
from services.kernel.runtime import ServiceRuntime, connect, listen_address

SERVICE_NAME = "switchboard.agent.v1.AgentService"


@dataclass
class AgentRuntime(ServiceRuntime):
    """The kernel runtime plus the model clients and the conversations channel, closed last."""

    scheduler: Scheduler | None = None
    debouncer: Debouncer | None = None
    llm: LlmClient | None = None
    conversations: grpc.aio.Channel | None = None

    async def stop(self, grace_s: float = 10) -> None:
        await super().stop(grace_s)
        if self.llm is not None:
            await self.llm.close()
        if self.conversations is not None:
            await self.conversations.close()


async def build_runtime(settings: AgentSettings, *, clock: Clock | None = None) -> AgentRuntime:
    """`clock` is for tests that move time by hand; the process uses the system clock."""
    clock = clock or SystemClock()
    token = settings.service_token.get_secret_value()
    db, bus = await connect(settings, topics.STREAMS)
    outbox = Outbox(OutboxEvent)
    store = SettingsStore(SecretBox(settings.secret_key.get_secret_value()))
    channel = open_channel(settings.conversations_target)
    conversations = ConversationsClient(channel, token)
    llm = LlmClient(settings)
    embedders = TenantEmbedders(db, store, settings.agent_llm_timeout_s,
                                settings.agent_llm_client_retries)
    pipeline = Pipeline(db, Knowledge(db, embedders), llm, Summaries(db, llm), settings)
    audit = AuditWriter(settings.agent_prices)
    responder = Responder(db, store, pipeline, conversations, AgentEvents(outbox), audit, clock)
    scheduler = Scheduler(db, responder, settings, clock)
    debouncer = Debouncer(db, store, conversations, clock, on_wait=scheduler.wakeup.set)
    knowledge_binding, knowledge_consumers = knowledge_bindings(db, settings, embedders)
    servicer = AgentServicer(db, AgentService(db, store, pipeline, audit, clock))
    grpc_server = GrpcServer(
        [ServiceBinding(rpc.add_AgentServiceServicer_to_server, servicer, SERVICE_NAME),
         knowledge_binding],
        service_token=token, address=listen_address(settings.agent_target, settings.grpc_listen))
    return AgentRuntime(
        name="agent", db=db, bus=bus, grpc=grpc_server, relays=[OutboxRelay(db, bus, outbox)],
        consumers=[*AgentConsumers(debouncer).specs(), *knowledge_consumers],
        loops=[scheduler.run], scheduler=scheduler, debouncer=debouncer, llm=llm,
        conversations=channel)

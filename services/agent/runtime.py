"""Builds the agent process: AgentService and KnowledgeService on one gRPC server, the outbox
relay, the debounce and knowledge consumers, and the pending-reply scheduler. Everything that
opens a transaction gets the one `Units[AgentUnit]` built here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import grpc

from clients.rpc import permissions, topics
from clients.rpc.base import open_channel
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2_grpc as knowledge_rpc
from clients.rpc.gen.switchboard.quotas.v1 import quotas_service_pb2_grpc as quotas_rpc
from clients.rpc.quotas import QUOTA_USAGE_SERVICE_NAME
from services.agent.answering.clock import Clock, SystemClock
from services.agent.answering.debounce import Debouncer
from services.agent.answering.grounding import Knowledge, TenantEmbedders
from services.agent.answering.llm import LlmClient
from services.agent.answering.pipeline import Pipeline
from services.agent.answering.preview import Previews
from services.agent.answering.responder import Responder
from services.agent.answering.scheduler import Scheduler
from services.agent.answering.summary import Summaries
from services.agent.audit.service import AuditWriter
from services.agent.audit.unanswered import UnansweredQuestions
from services.agent.config import AgentSettings
from services.agent.consumers import AgentConsumers
from services.agent.knowledge import metrics as knowledge_metrics
from services.agent.knowledge.consumers import KnowledgeConsumers
from services.agent.knowledge.service import KnowledgeService
from services.agent.knowledge.servicer import SERVICE_NAME as KNOWLEDGE_SERVICE_NAME
from services.agent.knowledge.servicer import KnowledgeServicer
from services.agent.models import OutboxEvent
from services.agent.quotas.service import AgentQuotas
from services.agent.quotas.servicer import usage_servicer
from services.agent.repository import AgentUnit
from services.agent.service import AgentService
from services.agent.servicer import AgentServicer
from services.agent.settings.service import SettingsStore
from services.kernel.crypto import SecretBox
from services.kernel.grpc_server import GrpcServer, ServiceBinding
from services.kernel.outbox import Outbox, OutboxRelay
from services.kernel.plan_book import PlanBook
from services.kernel.plans import Catalogue
from services.kernel.repository import Cursors
from services.kernel.runtime import ServiceRuntime, connect, listen_address
from services.kernel.unit import Units
from services.kernel.urls import OutboundGuard

SERVICE_NAME = "switchboard.agent.v1.AgentService"


@dataclass
class AgentRuntime(ServiceRuntime):
    """The kernel runtime plus the model clients and the conversations channel, closed last."""

    scheduler: Scheduler | None = None
    debouncer: Debouncer | None = None
    llm: LlmClient | None = None
    embedders: TenantEmbedders | None = None
    conversations: grpc.aio.Channel | None = None

    async def close(self, grace_s: float = 10) -> None:
        await super().close(grace_s)
        if self.llm is not None:
            await self.llm.close()
        if self.embedders is not None:
            await self.embedders.close()
        if self.conversations is not None:
            await self.conversations.close()


async def build_runtime(settings: AgentSettings, *, clock: Clock | None = None) -> AgentRuntime:
    """`clock` is for tests that move time by hand; the process uses the system clock."""
    clock = clock or SystemClock()
    caller = settings.caller("agent")
    catalogue = Catalogue.from_settings(settings.plans, settings.default_plan)
    db, bus = await connect(settings, topics.STREAMS, "agent")
    quotas = AgentQuotas(
        await PlanBook(bus, topics.PLANS, catalogue, settings.plan_cache_s).require())
    units = Units(db, AgentUnit, Outbox(OutboxEvent),
                  cursors=Cursors.from_secret(settings.secret_key))
    store = SettingsStore(SecretBox(settings.secret_key.get_secret_value()))
    channel = open_channel(settings.conversations_target, caller)
    conversations = ConversationsClient(channel, caller)
    guard = OutboundGuard(settings.outbound_allow)  # every call to a tenant's model endpoint
    llm = LlmClient(settings, guard=guard)
    embedders = TenantEmbedders(units, store, settings.agent_llm_timeout_s,
                                settings.agent_llm_client_retries, guard)
    pipeline = Pipeline(units, Knowledge(units, embedders), llm, Summaries(units, llm), settings)
    audit = AuditWriter(settings.agent_prices)
    responder = Responder(units, store, pipeline, conversations, audit, clock, quotas)
    scheduler = Scheduler(units, responder, settings, clock)
    debouncer = Debouncer(units, store, conversations, clock, on_wait=scheduler.wakeup.set)
    knowledge_metrics.initialize()
    knowledge = KnowledgeService(embedders, quotas)
    agent_servicer = AgentServicer(units, AgentService(
        store, Previews(units, store, pipeline, audit, clock), clock, guard,
        settings.agent_health_failures, timedelta(seconds=settings.agent_health_window_s)),
        UnansweredQuestions(units, knowledge))
    knowledge_servicer = KnowledgeServicer(units, knowledge, embedders)
    grpc_server = GrpcServer(
        [ServiceBinding(rpc.add_AgentServiceServicer_to_server, agent_servicer, SERVICE_NAME),
         ServiceBinding(knowledge_rpc.add_KnowledgeServiceServicer_to_server, knowledge_servicer,
                        KNOWLEDGE_SERVICE_NAME),
         ServiceBinding(quotas_rpc.add_QuotaUsageServiceServicer_to_server,
                        usage_servicer(units, quotas), QUOTA_USAGE_SERVICE_NAME)],
        settings=settings, accepts=permissions.CALLERS["agent"],
        address=listen_address(settings.agent_target, settings.grpc_listen))
    return AgentRuntime(
        name="agent", db=db, bus=bus, grpc=grpc_server,
        relays=[OutboxRelay(db, bus, units.outbox)],
        consumers=[*AgentConsumers(debouncer).specs(), *KnowledgeConsumers(units, knowledge).specs()],
        loops=[scheduler.run], scheduler=scheduler, debouncer=debouncer, llm=llm,
        embedders=embedders, conversations=channel)

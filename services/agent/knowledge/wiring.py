"""How the agent runtime serves the knowledge base: its gRPC binding and its bus consumers."""

from __future__ import annotations

from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2_grpc as rpc
from services.agent.knowledge import metrics
from services.agent.knowledge.consumers import KnowledgeConsumers
from services.agent.knowledge.service import EmbedderFor, KnowledgeService
from services.agent.knowledge.servicer import SERVICE_NAME, KnowledgeServicer
from services.kernel.bus import ConsumerSpec
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from services.kernel.grpc_server import ServiceBinding


def knowledge_bindings(db: Database, settings: KernelSettings,
                       embedder_for_tenant: EmbedderFor) -> tuple[ServiceBinding, list[ConsumerSpec]]:
    """`embedder_for_tenant` gives the tenant's embeddings model (None: full-text search only).

    `settings` is the agent process's; the knowledge base needs nothing from it today (its
    limits are the contract's, see domain.py) and takes it so the runtime wires every part alike.
    """
    del settings
    metrics.initialize()
    service = KnowledgeService(embedder_for_tenant)
    servicer = KnowledgeServicer(db, service, embedder_for_tenant)
    binding = ServiceBinding(rpc.add_KnowledgeServiceServicer_to_server, servicer, SERVICE_NAME)
    return binding, KnowledgeConsumers(db, service).specs()

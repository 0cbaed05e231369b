"""gRPC KnowledgeService: proto <-> domain. Reading, deleting and searching take one unit of work;
uploads and re-indexing parse and embed outside any transaction, then write in one."""

from __future__ import annotations

import uuid

from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from services.agent.knowledge import synonyms
from services.agent.knowledge.domain import Upload
from services.agent.knowledge.mapping import (
    document_to_proto,
    hit_to_proto,
    outcome_to_proto,
    synonym_group_to_proto,
)
from services.agent.knowledge.retrieval import EmbedderFor
from services.agent.knowledge.service import KnowledgeService, Outcome
from services.agent.repository import AgentUnit
from services.kernel.errors import InvalidArgument
from services.kernel.repository import page_size, parse_uuid
from services.kernel.tenancy import require_tenant
from services.kernel.unit import Units

SERVICE_NAME = "switchboard.agent.v1.KnowledgeService"
# Documents re-indexed per round (load, parse + embed, store): bounds memory and transactions.
REINDEX_BATCH = 10
MAX_REINDEX_IDS = 1000


class KnowledgeServicer(rpc.KnowledgeServiceServicer):
    def __init__(self, units: Units[AgentUnit], service: KnowledgeService,
                 embedder_for: EmbedderFor) -> None:
        self.units, self.service, self.embedder_for = units, service, embedder_for

    async def UploadDocuments(self, request: pb.UploadDocumentsRequest,
                              context: ServicerContext) -> pb.UploadDocumentsResponse:
        uploads = [Upload(d.name, d.mime_type, d.content) for d in request.documents]
        prepared = await self.service.prepare_uploads(require_tenant(), uploads)
        async with self.units() as unit:
            outcomes = await self.service.store_uploads(unit, prepared)
        return pb.UploadDocumentsResponse(results=[outcome_to_proto(o) for o in outcomes])

    async def ListDocuments(self, request: pb.ListDocumentsRequest,
                            context: ServicerContext) -> pb.ListDocumentsResponse:
        async with self.units() as unit:
            rows, cursor = await self.service.list_documents(
                unit, page_size(request.page.page_size), request.page.cursor)
        return pb.ListDocumentsResponse(
            documents=[document_to_proto(d) for d in rows],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def DeleteDocument(self, request: pb.DeleteDocumentRequest,
                             context: ServicerContext) -> pb.DeleteDocumentResponse:
        async with self.units() as unit:
            await self.service.delete(unit, parse_uuid(request.id, "document id"))
        return pb.DeleteDocumentResponse()

    async def ReindexDocuments(self, request: pb.ReindexDocumentsRequest,
                               context: ServicerContext) -> pb.ReindexDocumentsResponse:
        if len(request.ids) > MAX_REINDEX_IDS:
            raise InvalidArgument(f"at most {MAX_REINDEX_IDS} ids per call (or none for all)")
        ids = list(dict.fromkeys(parse_uuid(i, "document id") for i in request.ids))
        if not ids:
            async with self.units() as unit:
                ids = await self.service.document_ids(unit)
        outcomes: list[Outcome] = []
        for start in range(0, len(ids), REINDEX_BATCH):
            outcomes += await self._reindex(ids[start:start + REINDEX_BATCH])
        return pb.ReindexDocumentsResponse(results=[outcome_to_proto(o) for o in outcomes])

    async def _reindex(self, ids: list[uuid.UUID]) -> list[Outcome]:
        """Mark `indexing` (visible to ListDocuments), re-parse and embed, swap the chunks."""
        async with self.units() as unit:
            jobs, missing = await self.service.begin_reindex(unit, ids)
        prepared = await self.service.prepare_reindex(require_tenant(), jobs)
        async with self.units() as unit:
            return missing + await self.service.finish_reindex(unit, prepared)

    async def SearchKnowledge(self, request: pb.SearchKnowledgeRequest,
                              context: ServicerContext) -> pb.SearchKnowledgeResponse:
        embedder = await self.embedder_for(require_tenant())
        async with self.units() as unit:
            rows = await self.service.search(unit, request.query, request.limit, embedder)
        return pb.SearchKnowledgeResponse(hits=[hit_to_proto(h, name) for h, name in rows])

    async def ListSynonymGroups(self, request: pb.ListSynonymGroupsRequest,
                                context: ServicerContext) -> pb.ListSynonymGroupsResponse:
        async with self.units() as unit:
            groups = await synonyms.list_groups(unit)
            return pb.ListSynonymGroupsResponse(
                groups=[synonym_group_to_proto(g) for g in groups])

    async def PutSynonymGroup(self, request: pb.PutSynonymGroupRequest,
                              context: ServicerContext) -> pb.PutSynonymGroupResponse:
        id_ = parse_uuid(request.id, "synonym group id") if request.id else None
        async with self.units() as unit:
            group = await synonyms.put_group(unit, id_, list(request.words))
            return pb.PutSynonymGroupResponse(group=synonym_group_to_proto(group))

    async def DeleteSynonymGroup(self, request: pb.DeleteSynonymGroupRequest,
                                 context: ServicerContext) -> pb.DeleteSynonymGroupResponse:
        async with self.units() as unit:
            await synonyms.delete_group(unit, parse_uuid(request.id, "synonym group id"))
        return pb.DeleteSynonymGroupResponse()

"""KnowledgeClient: the agent's knowledge base over gRPC (served by the agent process)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2

# Parsing and embedding a batch of large documents takes a while; a search may embed the query.
UPLOAD_DEADLINE_S = 300.0
SEARCH_DEADLINE_S = 15.0
# One call stays under the 32 MB gRPC message cap (each document is at most 20 MB).
MAX_BATCH_BYTES = 24 * 1024 * 1024
MAX_BATCH_DOCUMENTS = 20


class KnowledgeClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.KnowledgeServiceStub(self.channel)

    async def upload_documents(self, tenant_id: uuid.UUID,
                               documents: Sequence[pb.DocumentUpload]) -> list[pb.DocumentResult]:
        """One result per document, in order; large sets go in several calls."""
        results: list[pb.DocumentResult] = []
        for batch in _batches(documents) or [[]]:  # an empty call gets the server's answer
            resp = await self._call(self._stub.UploadDocuments,
                                    pb.UploadDocumentsRequest(documents=batch), tenant_id,
                                    deadline_s=UPLOAD_DEADLINE_S)
            results.extend(resp.results)
        return results

    async def list_documents(self, tenant_id: uuid.UUID, *, page_size: int = 0,
                             cursor: str = "") -> pb.ListDocumentsResponse:
        request = pb.ListDocumentsRequest(
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListDocuments, request, tenant_id)

    async def delete_document(self, tenant_id: uuid.UUID, id_: str) -> None:
        await self._call(self._stub.DeleteDocument, pb.DeleteDocumentRequest(id=id_), tenant_id)

    async def reindex_documents(self, tenant_id: uuid.UUID,
                                ids: Sequence[str] = ()) -> list[pb.DocumentResult]:
        resp = await self._call(self._stub.ReindexDocuments,
                                pb.ReindexDocumentsRequest(ids=list(ids)), tenant_id,
                                deadline_s=UPLOAD_DEADLINE_S)
        return list(resp.results)

    async def search(self, tenant_id: uuid.UUID, query: str,
                     limit: int = 0) -> list[pb.KnowledgeHit]:
        resp = await self._call(self._stub.SearchKnowledge,
                                pb.SearchKnowledgeRequest(query=query, limit=limit), tenant_id,
                                deadline_s=SEARCH_DEADLINE_S)
        return list(resp.hits)

    # -- the seller's synonym groups ---------------------------------------------------------

    async def list_synonym_groups(self, tenant_id: uuid.UUID) -> list[pb.SynonymGroup]:
        resp = await self._call(self._stub.ListSynonymGroups, pb.ListSynonymGroupsRequest(),
                                tenant_id)
        return list(resp.groups)

    async def put_synonym_group(self, tenant_id: uuid.UUID, words: Sequence[str],
                                id_: str = "") -> pb.SynonymGroup:
        """Create a group (no id) or replace group `id_`."""
        resp = await self._call(self._stub.PutSynonymGroup,
                                pb.PutSynonymGroupRequest(id=id_, words=list(words)), tenant_id)
        group: pb.SynonymGroup = resp.group
        return group

    async def delete_synonym_group(self, tenant_id: uuid.UUID, id_: str) -> None:
        await self._call(self._stub.DeleteSynonymGroup, pb.DeleteSynonymGroupRequest(id=id_),
                         tenant_id)


def _batches(documents: Sequence[pb.DocumentUpload]) -> list[list[pb.DocumentUpload]]:
    batches: list[list[pb.DocumentUpload]] = []
    size = 0
    for document in documents:
        if not batches or len(batches[-1]) >= MAX_BATCH_DOCUMENTS or \
                size + len(document.content) > MAX_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(document)
        size += len(document.content)
    return batches


"""The AI agent's knowledge base in GraphQL: documents, search, delete, re-index (uploads are
REST's: multipart files do not belong in a GraphQL document)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input
from gateway.graphql.pagination import Connection, connection, page_size
from gateway.graphql.values import optional, timestamp

MAX_QUERY_LENGTH = 1000
MAX_HITS = 50


@strawberry.enum
class KnowledgeDocumentKind(Enum):
    TEXT = pb.DOCUMENT_KIND_TEXT
    MARKDOWN = pb.DOCUMENT_KIND_MARKDOWN
    FAQ_CSV = pb.DOCUMENT_KIND_FAQ_CSV
    DOCX = pb.DOCUMENT_KIND_DOCX
    XLSX = pb.DOCUMENT_KIND_XLSX
    PDF = pb.DOCUMENT_KIND_PDF
    LISTING = pb.DOCUMENT_KIND_LISTING


@strawberry.enum(description="INDEXING: a re-index is under way; FAILED: see error")
class KnowledgeDocumentStatus(Enum):
    INDEXING = pb.DOCUMENT_STATUS_INDEXING
    INDEXED = pb.DOCUMENT_STATUS_INDEXED
    FAILED = pb.DOCUMENT_STATUS_FAILED


@strawberry.enum
class KnowledgeChunkKind(Enum):
    FAQ = pb.CHUNK_KIND_FAQ
    TEXT = pb.CHUNK_KIND_TEXT
    LISTING = pb.CHUNK_KIND_LISTING


@strawberry.type
class KnowledgeDocument:
    id: strawberry.ID
    name: str
    mime_type: str
    kind: KnowledgeDocumentKind
    status: KnowledgeDocumentStatus
    error: str | None
    chunk_count: int
    size_bytes: float = strawberry.field(description="Bytes (a Float: GraphQL Int is 32-bit)")
    sha256: str
    source_ref: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, d: pb.KnowledgeDocument) -> KnowledgeDocument:
        return cls(id=strawberry.ID(d.id), name=d.name, mime_type=d.mime_type,
                   kind=KnowledgeDocumentKind(d.kind), status=KnowledgeDocumentStatus(d.status),
                   error=optional(d.error), chunk_count=d.chunk_count, size_bytes=d.size_bytes,
                   sha256=d.sha256, source_ref=optional(d.source_ref),
                   created_at=timestamp(d, "created_at"), updated_at=timestamp(d, "updated_at"))


@strawberry.type
class KnowledgeHit:
    chunk_id: strawberry.ID
    document_id: strawberry.ID
    document_name: str
    kind: KnowledgeChunkKind
    text: str
    question: str | None
    answer: str | None
    score: float = strawberry.field(description="0..1, comparable with the FAQ match threshold")


@strawberry.type
class KnowledgeQuery:
    @strawberry.field(description="The knowledge base's documents, newest first")
    async def knowledge_documents(self, info: Info, first: int = 50,
                                  after: str | None = None) -> Connection[KnowledgeDocument]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.knowledge.list_documents(
            tenant_id, page_size=page_size(first), cursor=after or "")
        return connection([KnowledgeDocument.from_proto(d) for d in resp.documents],
                          resp.page_info)

    @strawberry.field(description="What the agent would find for a buyer's question")
    async def search_knowledge(self, info: Info, query: str,
                               limit: int = 5) -> list[KnowledgeHit]:
        tenant_id = info.context.require("read").tenant_id
        if not query.strip() or len(query) > MAX_QUERY_LENGTH:
            raise bad_input(f"`query` must have 1 to {MAX_QUERY_LENGTH} characters")
        if not 1 <= limit <= MAX_HITS:
            raise bad_input(f"`limit` must be between 1 and {MAX_HITS}")
        hits = await info.context.state.knowledge.search(tenant_id, query, limit)
        return [KnowledgeHit(
            chunk_id=strawberry.ID(h.chunk_id), document_id=strawberry.ID(h.document_id),
            document_name=h.document_name, kind=KnowledgeChunkKind(h.kind), text=h.text,
            question=optional(h.question), answer=optional(h.answer), score=h.score)
            for h in hits]


@strawberry.type
class KnowledgeReindexResult:
    name: str
    outcome: str = strawberry.field(description="replaced (re-indexed) or rejected")
    document: KnowledgeDocument | None
    error: str | None


@strawberry.type
class KnowledgeMutation:
    @strawberry.mutation(description=(
        "Re-chunk and re-embed the named documents (all when none are named), e.g. after the "
        "embeddings model changed; documents show INDEXING while it runs"))
    async def reindex_knowledge_documents(
            self, info: Info, ids: list[strawberry.ID] | None = None) -> list[KnowledgeReindexResult]:
        tenant_id = info.context.require("write").tenant_id
        results = await info.context.state.knowledge.reindex_documents(
            tenant_id, [str(i) for i in ids or []])
        return [KnowledgeReindexResult(
            name=r.name, outcome="replaced" if r.HasField("document") else "rejected",
            document=KnowledgeDocument.from_proto(r.document) if r.HasField("document") else None,
            error=(r.document.error or None) if r.HasField("document") else r.error)
            for r in results]


    @strawberry.mutation(description="Delete a document and its chunks; true when done")
    async def delete_knowledge_document(self, info: Info, id: strawberry.ID) -> bool:
        tenant_id = info.context.require("write").tenant_id
        await info.context.state.knowledge.delete_document(tenant_id, str(id))
        return True

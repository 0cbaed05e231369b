"""Knowledge rows and values <-> protobuf messages."""

from __future__ import annotations

from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from services.agent.knowledge.models import Document, SynonymGroup
from services.agent.knowledge.retrieval import Hit
from services.agent.knowledge.service import Outcome
from services.kernel.timestamps import timestamp

KIND_TO_PB = {
    "text": pb.DOCUMENT_KIND_TEXT, "markdown": pb.DOCUMENT_KIND_MARKDOWN,
    "faq_csv": pb.DOCUMENT_KIND_FAQ_CSV, "docx": pb.DOCUMENT_KIND_DOCX,
    "xlsx": pb.DOCUMENT_KIND_XLSX, "pdf": pb.DOCUMENT_KIND_PDF,
    "listing": pb.DOCUMENT_KIND_LISTING,
}
STATUS_TO_PB = {
    "indexing": pb.DOCUMENT_STATUS_INDEXING, "indexed": pb.DOCUMENT_STATUS_INDEXED,
    "failed": pb.DOCUMENT_STATUS_FAILED,
}
CHUNK_KIND_TO_PB = {"faq": pb.CHUNK_KIND_FAQ, "text": pb.CHUNK_KIND_TEXT,
                    "listing": pb.CHUNK_KIND_LISTING}


def document_to_proto(d: Document) -> pb.KnowledgeDocument:
    return pb.KnowledgeDocument(
        id=str(d.id), name=d.name, mime_type=d.mime_type, kind=KIND_TO_PB[d.kind],
        status=STATUS_TO_PB[d.status], error=d.error, chunk_count=d.chunk_count,
        size_bytes=d.size_bytes, sha256=d.sha256, source_ref=d.source_ref,
        created_at=timestamp(d.created_at), updated_at=timestamp(d.updated_at))


def outcome_to_proto(outcome: Outcome) -> pb.DocumentResult:
    if outcome.document is not None:
        return pb.DocumentResult(name=outcome.name, document=document_to_proto(outcome.document),
                                 replaced=outcome.replaced)
    return pb.DocumentResult(name=outcome.name, error=outcome.error)


def hit_to_proto(hit: Hit, document_name: str) -> pb.KnowledgeHit:
    return pb.KnowledgeHit(
        chunk_id=str(hit.chunk_id), document_id=str(hit.document_id),
        kind=CHUNK_KIND_TO_PB[hit.kind], text=hit.text, question=hit.question,
        answer=hit.answer, score=hit.score, document_name=document_name)


def synonym_group_to_proto(g: SynonymGroup) -> pb.SynonymGroup:
    return pb.SynonymGroup(id=str(g.id), words=list(g.words), created_at=timestamp(g.created_at),
                           updated_at=timestamp(g.updated_at))

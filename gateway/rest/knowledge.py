"""REST: the AI agent's knowledge base — upload, list, delete, re-index, search."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field

from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from gateway.auth import AUTH_PROBLEMS, Reader, Writer, problem_responses
from gateway.errors import ProblemError
from gateway.rest.schemas import PageOut
from gateway.state import GatewayState, get_state

router = APIRouter(prefix="/agent/knowledge", tags=["knowledge"])
State = Annotated[GatewayState, Depends(get_state)]

# The service's limits (services/agent/knowledge/domain.py), checked here too so an oversized
# file is reported as that file's error instead of failing the whole upload.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_FILES = 20
_MULTIPART_SLACK = 1024 * 1024

_KINDS = {pb.DOCUMENT_KIND_TEXT: "text", pb.DOCUMENT_KIND_MARKDOWN: "markdown",
          pb.DOCUMENT_KIND_FAQ_CSV: "faq_csv", pb.DOCUMENT_KIND_DOCX: "docx",
          pb.DOCUMENT_KIND_XLSX: "xlsx", pb.DOCUMENT_KIND_PDF: "pdf",
          pb.DOCUMENT_KIND_LISTING: "listing"}
_STATUSES = {pb.DOCUMENT_STATUS_INDEXING: "indexing", pb.DOCUMENT_STATUS_INDEXED: "indexed",
             pb.DOCUMENT_STATUS_FAILED: "failed"}
_CHUNK_KINDS = {pb.CHUNK_KIND_FAQ: "faq", pb.CHUNK_KIND_TEXT: "text",
                pb.CHUNK_KIND_LISTING: "listing"}


def _time(ts: Timestamp) -> datetime | None:
    return ts.ToDatetime(tzinfo=UTC) if ts.seconds or ts.nanos else None


class DocumentOut(BaseModel):
    id: str
    name: str
    mime_type: str
    kind: Literal["text", "markdown", "faq_csv", "docx", "xlsx", "pdf", "listing"]
    status: Literal["indexing", "indexed", "failed"] = Field(
        description="indexing: a re-index is under way; failed: see `error` (full-text search "
                    "still finds the chunks it has)")
    error: str | None
    chunk_count: int
    size_bytes: int
    sha256: str
    source_ref: str | None = Field(description="e.g. listing:<channel_id>:<item_id>")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, d: pb.KnowledgeDocument) -> DocumentOut:
        return cls(id=d.id, name=d.name, mime_type=d.mime_type, kind=_KINDS[d.kind],  # type: ignore[arg-type]
                   status=_STATUSES[d.status], error=d.error or None,  # type: ignore[arg-type]
                   chunk_count=d.chunk_count, size_bytes=d.size_bytes, sha256=d.sha256,
                   source_ref=d.source_ref or None, created_at=_time(d.created_at),
                   updated_at=_time(d.updated_at))


class DocumentResultOut(BaseModel):
    name: str
    outcome: Literal["created", "replaced", "rejected"] = Field(
        description="replaced: the same content was uploaded before; rejected: nothing kept")
    document: DocumentOut | None
    error: str | None

    @classmethod
    def from_proto(cls, r: pb.DocumentResult) -> DocumentResultOut:
        if r.HasField("document"):
            return cls(name=r.name, outcome="replaced" if r.replaced else "created",
                       document=DocumentOut.from_proto(r.document), error=r.document.error or None)
        return cls(name=r.name, outcome="rejected", document=None, error=r.error)


class UploadOut(BaseModel):
    results: list[DocumentResultOut] = Field(description="One per file, in the order sent")
    stored: int
    rejected: int


class DocumentList(BaseModel):
    items: list[DocumentOut]
    page: PageOut


class ReindexIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(default_factory=list, max_length=1000,
                           description="Documents to re-index; empty or absent: all of them")


class ReindexOut(BaseModel):
    results: list[DocumentResultOut]


class HitOut(BaseModel):
    chunk_id: str
    document_id: str
    document_name: str
    kind: Literal["faq", "text", "listing"]
    text: str
    question: str | None
    answer: str | None
    score: float = Field(description="0..1, comparable with the agent's FAQ match threshold")


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


@router.post("/documents", status_code=207, response_model=UploadOut,
             responses={**AUTH_PROBLEMS, **problem_responses(413, 422)})
async def upload_documents(
        request: Request, principal: Writer, state: State,
        files: Annotated[list[UploadFile], File(description=".txt, .md, .csv (вопрос;ответ), "
                                                            ".docx, .xlsx, .pdf — up to 20 MB each")],
) -> UploadOut:
    """Upload several documents at once (multipart, field `files`). The answer is 207
    Multi-Status: one result per file, stored or rejected with the reason; a rejected file
    leaves nothing behind and does not stop the others. Uploading the same content again
    replaces the earlier document."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_FILES * MAX_DOCUMENT_BYTES + _MULTIPART_SLACK:
        raise ProblemError(413, f"upload at most {MAX_FILES} files of up to 20 MB each")
    if not files or len(files) > MAX_FILES:
        raise ProblemError(422, f"send between 1 and {MAX_FILES} files in the `files` field")
    results: list[pb.DocumentResult | None] = []
    uploads: list[pb.DocumentUpload] = []
    for file in files:
        name = file.filename or "document"
        content = await file.read(MAX_DOCUMENT_BYTES + 1)  # never more than one byte too many
        if len(content) > MAX_DOCUMENT_BYTES:
            results.append(pb.DocumentResult(name=name, error="the file is larger than 20 MB"))
            continue
        results.append(None)
        uploads.append(pb.DocumentUpload(name=name, mime_type=file.content_type or "",
                                         content=content))
    stored = iter(await state.knowledge.upload_documents(principal.tenant_id, uploads)
                  if uploads else [])
    merged = [r if r is not None else next(stored) for r in results]
    out = [DocumentResultOut.from_proto(r) for r in merged]
    rejected = sum(r.outcome == "rejected" for r in out)
    return UploadOut(results=out, stored=len(out) - rejected, rejected=rejected)


@router.get("/documents", response_model=DocumentList, responses=AUTH_PROBLEMS)
async def list_documents(principal: Reader, state: State,
                         limit: Annotated[int, Query(ge=1, le=100)] = 50,
                         cursor: str = "") -> DocumentList:
    """Newest first, with each document's indexing status, chunk count and error."""
    resp = await state.knowledge.list_documents(principal.tenant_id, page_size=limit,
                                                cursor=cursor)
    return DocumentList(items=[DocumentOut.from_proto(d) for d in resp.documents],
                        page=PageOut(next_cursor=resp.page_info.next_cursor or None,
                                     has_more=resp.page_info.has_more))


@router.delete("/documents/{document_id}", status_code=204,
               responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def delete_document(document_id: str, principal: Writer, state: State) -> Response:
    await state.knowledge.delete_document(principal.tenant_id, document_id)
    return Response(status_code=204)


@router.post("/reindex", response_model=ReindexOut,
             responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def reindex(principal: Writer, state: State, body: ReindexIn | None = None) -> ReindexOut:
    """Re-chunk and re-embed the named documents (all when none are named), e.g. after the
    embeddings model changed. Documents show `indexing` while it runs."""
    results = await state.knowledge.reindex_documents(principal.tenant_id,
                                                      body.ids if body else [])
    return ReindexOut(results=[DocumentResultOut.from_proto(r) for r in results])


@router.get("/search", response_model=SearchOut,
            responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def search(principal: Reader, state: State,
                 q: Annotated[str, Query(min_length=1, max_length=1000)],
                 limit: Annotated[int, Query(ge=1, le=50)] = 5) -> SearchOut:
    """What the agent would find for a buyer's question, best first, with calibrated scores."""
    hits = await state.knowledge.search(principal.tenant_id, q, limit)
    return SearchOut(query=q, hits=[HitOut(
        chunk_id=h.chunk_id, document_id=h.document_id, document_name=h.document_name,
        kind=_CHUNK_KINDS[h.kind], text=h.text, question=h.question or None,  # type: ignore[arg-type]
        answer=h.answer or None, score=h.score) for h in hits])

"""REST: the AI agent's knowledge base — upload, list, delete, re-index, search."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import UploadFile

from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from gateway.agent.schemas import (
    DocumentList,
    DocumentOut,
    DocumentResultOut,
    HitOut,
    ReindexIn,
    ReindexOut,
    SearchOut,
    UploadOut,
)
from gateway.auth import AUTH_PROBLEMS, Reader, Writer, problem_responses
from gateway.errors import ProblemError
from gateway.schemas import PageOut
from gateway.state import GatewayState, State
from gateway.uploads import multipart_body, multipart_files, upload_body_limit

router = APIRouter(prefix="/agent/knowledge", tags=["knowledge"])

# The service's limits (services/agent/knowledge/domain.py), checked here too so an oversized
# file is reported as that file's error instead of failing the whole upload.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_FILES = 20
# The edge's bound on the whole body (gateway/app.py): 413 past it, before it is read.
MAX_BODY_BYTES = upload_body_limit(MAX_FILES, MAX_DOCUMENT_BYTES)


@router.post("/documents", status_code=207, response_model=UploadOut,
             responses={**AUTH_PROBLEMS, **problem_responses(413, 422)},
             openapi_extra=multipart_body("files", ".txt, .md, .csv (вопрос;ответ), .docx, "
                                                   ".xlsx, .pdf — up to 20 MB each", many=True))
async def upload_documents(request: Request, principal: Writer, state: State) -> UploadOut:
    """Upload several documents at once (multipart, field `files`). The answer is 207
    Multi-Status: one result per file, stored or rejected with the reason; a rejected file
    leaves nothing behind and does not stop the others. Uploading the same content again
    replaces the earlier document."""
    async with multipart_files(request, "files", max_files=MAX_FILES + 1) as files:
        if not files or len(files) > MAX_FILES:
            raise ProblemError(422, f"send between 1 and {MAX_FILES} files in the `files` field")
        return await _upload(files, principal.tenant_id, state)


async def _upload(files: list[UploadFile], tenant_id: uuid.UUID, state: GatewayState) -> UploadOut:
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
    stored = iter(await state.knowledge.upload_documents(tenant_id, uploads)
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
                        page=PageOut.from_proto(resp.page_info))


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
    return SearchOut(query=q, hits=[HitOut.from_proto(h) for h in hits])

"""Knowledge-base rules: what may be uploaded, how documents are stored, replaced, re-indexed and
searched. No gRPC, no NATS, no SQL here.

Work that takes time or leaves the process (parsing, embeddings) happens in `prepare_*`, outside
any transaction; `store_*` then writes in the caller's unit of work.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from services.agent.knowledge import indexing
from services.agent.knowledge.domain import (
    DEFAULT_SEARCH_LIMIT,
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS_PER_CALL,
    MAX_NAME_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_SEARCH_LIMIT,
    DocumentKind,
    DocumentStatus,
    ParseError,
    PreparedDocument,
    Upload,
)
from services.agent.knowledge.listings import ListingDocument
from services.agent.knowledge.metrics import DOCUMENTS_INDEXED
from services.agent.knowledge.models import Document
from services.agent.knowledge.retrieval import Embedder, EmbedderFor, Hit, search
from services.agent.repository import AgentUnit
from services.kernel.errors import InvalidArgument, NotFound

if TYPE_CHECKING:
    from services.agent.quotas.service import AgentQuotas

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What became of one document of a batch: stored (maybe replacing one) or an error."""

    name: str
    document: Document | None = None
    error: str = ""
    replaced: bool = False


@dataclass(frozen=True)
class ReindexJob:
    document_id: uuid.UUID
    kind: DocumentKind
    upload: Upload
    source_ref: str


Prepared = PreparedDocument | Outcome


class KnowledgeService:
    def __init__(self, embedder_for: EmbedderFor, quotas: AgentQuotas | None = None) -> None:
        self.embedder_for = embedder_for
        self.quotas = quotas  # the plan's knowledge_bytes (None: not enforced here)

    # -- uploads ---------------------------------------------------------------------------

    async def prepare_uploads(self, tenant_id: uuid.UUID, uploads: list[Upload]) -> list[Prepared]:
        """Parse, chunk and embed each upload; a document that cannot be read becomes an error."""
        uploads = [_checked(u) for u in _checked_batch(uploads)]
        prepared: list[Prepared] = []
        for upload in uploads:
            try:
                prepared.append(await indexing.prepare(upload))
            except ParseError as exc:
                DOCUMENTS_INDEXED.labels("unknown", "rejected").inc()
                prepared.append(Outcome(upload.name, error=str(exc)))
        ready = [p for p in prepared if isinstance(p, PreparedDocument)]
        if ready:
            await indexing.embed_all(ready, await self.embedder_for(tenant_id))
        return prepared

    async def store_uploads(self, unit: AgentUnit, prepared: list[Prepared]) -> list[Outcome]:
        """Store each prepared document in its own savepoint: one failure keeps nothing of it
        and nothing else is lost. Past the plan's knowledge_bytes the whole batch is refused
        (QuotaExceeded), nothing stored."""
        if self.quotas is not None:
            await self.quotas.check_upload(
                unit, [p for p in prepared if isinstance(p, PreparedDocument)])
        outcomes = []
        for item in prepared:
            if isinstance(item, Outcome):
                outcomes.append(item)
                continue
            try:
                async with unit.savepoint():
                    document, replaced = await _store(unit, item)
            except DBAPIError:
                log.exception("storing a document failed", extra={"kind": item.kind.value})
                outcomes.append(Outcome(item.upload.name, error="the document could not be stored"))
                continue
            outcomes.append(Outcome(item.upload.name, document, replaced=replaced))
        return outcomes

    # -- listing, deleting -----------------------------------------------------------------

    async def list_documents(self, unit: AgentUnit, size: int,
                             cursor: str) -> tuple[list[Document], str]:
        return await unit.documents.list_page(size, cursor)

    async def delete(self, unit: AgentUnit, id_: uuid.UUID) -> None:
        if not await unit.documents.delete(id_):
            raise NotFound(f"document {id_} not found")

    # -- re-indexing -----------------------------------------------------------------------

    async def begin_reindex(self, unit: AgentUnit,
                            ids: Sequence[uuid.UUID]) -> tuple[list[ReindexJob], list[Outcome]]:
        """Load the documents to re-index and mark them `indexing` (their chunks still answer)."""
        rows = await unit.documents.with_content(ids)
        found = {document.id for document, _ in rows}
        missing = [Outcome(str(id_), error=f"document {id_} not found")
                   for id_ in ids if id_ not in found]
        await unit.documents.set_status(list(found), DocumentStatus.INDEXING)
        jobs = [ReindexJob(d.id, DocumentKind(d.kind), Upload(d.name, d.mime_type, content),
                           d.source_ref) for d, content in rows]
        return jobs, missing

    async def document_ids(self, unit: AgentUnit) -> list[uuid.UUID]:
        return await unit.documents.ids()

    async def prepare_reindex(self, tenant_id: uuid.UUID,
                              jobs: list[ReindexJob]) -> list[tuple[ReindexJob, Prepared]]:
        prepared: list[tuple[ReindexJob, Prepared]] = []
        for job in jobs:
            try:
                prepared.append((job, await indexing.prepare(job.upload, kind=job.kind,
                                                             source_ref=job.source_ref)))
            except ParseError as exc:
                prepared.append((job, Outcome(job.upload.name, error=str(exc))))
        ready = [p for _, p in prepared if isinstance(p, PreparedDocument)]
        if ready:
            await indexing.embed_all(ready, await self.embedder_for(tenant_id))
        return prepared

    async def finish_reindex(self, unit: AgentUnit,
                             prepared: list[tuple[ReindexJob, Prepared]]) -> list[Outcome]:
        """Swap in the new chunks; a document that no longer parses keeps its old ones."""
        outcomes = []
        for job, item in prepared:
            document = await unit.documents.lock(job.document_id)
            if document is None:  # deleted while it was being re-indexed
                outcomes.append(Outcome(job.upload.name, error="deleted during the re-index"))
                continue
            if isinstance(item, Outcome):
                document.status, document.error = DocumentStatus.FAILED.value, item.error
            else:
                await unit.chunks.replace(job.document_id, item.chunks, item.embeddings)
                document.status, document.error = _status(item).value, item.embedding_error
                document.chunk_count = len(item.chunks)
            _count(job.kind, item)
            await unit.flush()
            outcomes.append(Outcome(job.upload.name, document))
        return outcomes

    # -- listings --------------------------------------------------------------------------

    async def listing_unchanged(self, unit: AgentUnit, listing: ListingDocument,
                                sha256: str) -> bool:
        """A redelivered or repeated event: the same text is already indexed."""
        existing = await unit.documents.by_source(listing.source_ref)
        if listing.upload is None:
            return existing is None
        return (existing is not None and existing.sha256 == sha256
                and existing.status == DocumentStatus.INDEXED)

    async def prepare_listing(self, tenant_id: uuid.UUID,
                              listing: ListingDocument) -> PreparedDocument | None:
        if listing.upload is None:
            return None
        prepared = await indexing.prepare(listing.upload, kind=DocumentKind.LISTING,
                                          source_ref=listing.source_ref)
        await indexing.embed_all([prepared], await self.embedder_for(tenant_id))
        return prepared

    async def store_listing(self, unit: AgentUnit, listing: ListingDocument,
                            prepared: PreparedDocument | None) -> None:
        if prepared is None:
            existing = await unit.documents.by_source(listing.source_ref)
            if existing is not None:
                await unit.documents.delete(existing.id)
            return
        await _store(unit, prepared)

    # -- search ----------------------------------------------------------------------------

    async def search(self, unit: AgentUnit, query: str, limit: int,
                     embedder: Embedder | None) -> list[tuple[Hit, str]]:
        """Hits with the names of their documents."""
        if not query.strip():
            raise InvalidArgument("query must not be empty")
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidArgument(f"query is longer than {MAX_QUERY_LENGTH} characters")
        if not 0 <= limit <= MAX_SEARCH_LIMIT:
            raise InvalidArgument(f"limit must be between 1 and {MAX_SEARCH_LIMIT}")
        hits = await search(unit.session, query, limit=limit or DEFAULT_SEARCH_LIMIT,
                            embedder=embedder)
        names = await unit.chunks.document_names(list({h.document_id for h in hits}))
        return [(hit, names.get(hit.document_id, "")) for hit in hits]


async def _store(unit: AgentUnit, item: PreparedDocument) -> tuple[Document, bool]:
    document, replaced = await unit.documents.upsert({
        "name": item.upload.name, "mime_type": item.upload.mime_type, "kind": item.kind.value,
        "source_ref": item.source_ref, "status": _status(item).value,
        "error": item.embedding_error, "chunk_count": len(item.chunks),
        "size_bytes": len(item.upload.content), "sha256": item.sha256,
        "content": item.upload.content})
    await unit.chunks.replace(document.id, item.chunks, item.embeddings)
    _count(item.kind, item)
    return document, replaced


def _status(item: PreparedDocument) -> DocumentStatus:
    return DocumentStatus.FAILED if item.embedding_error else DocumentStatus.INDEXED


def _count(kind: DocumentKind, item: Prepared) -> None:
    failed = isinstance(item, Outcome) or bool(item.embedding_error)
    DOCUMENTS_INDEXED.labels(kind.value, "failed" if failed else "indexed").inc()


def _checked_batch(uploads: list[Upload]) -> list[Upload]:
    if not uploads:
        raise InvalidArgument("send at least one document")
    if len(uploads) > MAX_DOCUMENTS_PER_CALL:
        raise InvalidArgument(f"at most {MAX_DOCUMENTS_PER_CALL} documents per call")
    return uploads


def _checked(upload: Upload) -> Upload:
    """The upload with a clean name; too big or unnamed documents fail the whole call."""
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise InvalidArgument("every document needs a name (its file name)")
    if len(upload.content) > MAX_DOCUMENT_BYTES:
        raise InvalidArgument(f"{name} is larger than {MAX_DOCUMENT_BYTES // 2**20} MB")
    if len(name) > MAX_NAME_LENGTH:  # shortened in the middle: the extension tells the format
        ext = name.rsplit(".", 1)[-1][:16] if "." in name else ""
        name = name[:MAX_NAME_LENGTH - len(ext) - 2] + "…" + ("." + ext if ext else "")
    return Upload(name, upload.mime_type.strip()[:127], upload.content)

"""From bytes to storable chunks, outside any transaction: parse and chunk (in a worker thread,
parsing a 20 MB PDF takes seconds), then embed every document's chunks in one go."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
from collections.abc import Sequence

from services.agent.knowledge.chunking import chunk
from services.agent.knowledge.domain import (
    ChunkDraft,
    DocumentKind,
    ParseError,
    PreparedDocument,
    Upload,
)
from services.agent.knowledge.normalise.pipeline import normalise
from services.agent.knowledge.parsers import parse
from services.agent.knowledge.retrieval import Embedder

log = logging.getLogger(__name__)

_MIME_BY_KIND = {
    DocumentKind.TEXT: "text/plain", DocumentKind.MARKDOWN: "text/markdown",
    DocumentKind.FAQ_CSV: "text/csv", DocumentKind.PDF: "application/pdf",
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentKind.LISTING: "text/plain",
}


def _parse_and_chunk(upload: Upload, kind: DocumentKind | None,
                     source_ref: str) -> PreparedDocument:
    parsed = parse(upload.name, upload.mime_type, upload.content, kind)
    chunks = [_normalised(c) for c in chunk(parsed)]
    if not chunks:
        raise ParseError("no text found in the document")
    mime_type = upload.mime_type
    if not mime_type or mime_type == "application/octet-stream":
        mime_type = _MIME_BY_KIND[parsed.kind]
    return PreparedDocument(
        Upload(upload.name, mime_type, upload.content), parsed.kind,
        hashlib.sha256(upload.content).hexdigest(), chunks, source_ref=source_ref)


def _normalised(draft: ChunkDraft) -> ChunkDraft:
    """With the text retrieval compares (the same normalisation a question gets)."""
    return dataclasses.replace(draft, search_question=normalise(draft.question),
                               search_text=normalise(draft.text))


async def prepare(upload: Upload, *, kind: DocumentKind | None = None,
                  source_ref: str = "") -> PreparedDocument:
    """Parsed and chunked; raises ParseError with a message for the seller."""
    try:
        return await asyncio.to_thread(_parse_and_chunk, upload, kind, source_ref)
    except ParseError:
        raise
    except Exception as exc:
        # Third-party parsers meet untrusted files: a crash in one must fail that file only.
        log.exception("parsing a document failed", extra={"kind": kind.value if kind else ""})
        raise ParseError(f"the file cannot be read ({type(exc).__name__})") from exc


async def embed_all(documents: Sequence[PreparedDocument], embedder: Embedder | None) -> None:
    """Fill in the embeddings of every document's chunks (one batched call for all of them).

    On failure each document keeps no vectors and an error saying so: full-text search still
    finds it, and a re-index retries.
    """
    if embedder is None:
        return
    inputs = [c.embedding_input for d in documents for c in d.chunks]
    if not inputs:
        return
    try:
        vectors = await embedder.embed(inputs)
        if len(vectors) != len(inputs):
            raise ValueError(f"{len(vectors)} vectors for {len(inputs)} texts")
    except Exception as exc:  # any embedder: ours raises EmbeddingError with a clear message
        log.warning("embedding documents failed", extra={"error": str(exc)})
        for document in documents:
            document.embedding_error = (f"embeddings failed: {exc}. Full-text search still finds "
                                        "this document; re-index to retry.")
        return
    start = 0
    for document in documents:
        document.embeddings = vectors[start:start + len(document.chunks)]
        start += len(document.chunks)

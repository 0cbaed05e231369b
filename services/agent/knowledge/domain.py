"""Values of the knowledge base shared by parsers, chunking, service, repository and mapping.

Kinds and statuses are stored as text (readable in SQL); the proto enums map onto them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# gRPC messages are capped at 32 MB; one document stays well below so a batch of one fits.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_DOCUMENTS_PER_CALL = 20
MAX_NAME_LENGTH = 255
# A 20 MB text makes ~26 000 chunks of 800 characters: more is not a knowledge base.
MAX_CHUNKS_PER_DOCUMENT = 10_000
MAX_QUERY_LENGTH = 1000
MAX_SEARCH_LIMIT = 50
DEFAULT_SEARCH_LIMIT = 5


class DocumentKind(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    FAQ_CSV = "faq_csv"
    DOCX = "docx"
    XLSX = "xlsx"
    PDF = "pdf"
    LISTING = "listing"


class DocumentStatus(StrEnum):
    INDEXING = "indexing"  # a re-index is under way (the previous chunks still answer)
    INDEXED = "indexed"
    FAILED = "failed"  # see `error`; full-text search still finds the chunks there are


class ChunkKind(StrEnum):
    FAQ = "faq"
    TEXT = "text"
    LISTING = "listing"


class ParseError(ValueError):
    """A document cannot be read; the message tells the seller why, in plain words."""


@dataclass(frozen=True)
class QAPair:
    question: str
    answer: str


@dataclass(frozen=True)
class Section:
    """A run of text under one heading (empty for none)."""

    heading: str
    text: str


@dataclass(frozen=True)
class ParsedDocument:
    kind: DocumentKind
    faq: list[QAPair] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before it is stored; `search_*` are the question and text as retrieval compares
    them (normalise/), filled by the indexer."""

    ordinal: int
    kind: ChunkKind
    text: str
    question: str = ""
    answer: str = ""
    search_question: str = ""
    search_text: str = ""

    @property
    def embedding_input(self) -> str:
        # Buyers' questions are compared with FAQ questions, not with whole answers.
        return self.question or self.text


@dataclass(frozen=True)
class Upload:
    name: str
    mime_type: str
    content: bytes


@dataclass
class PreparedDocument:
    """An upload parsed and chunked (and embedded when an embedder is configured)."""

    upload: Upload
    kind: DocumentKind
    sha256: str
    chunks: list[ChunkDraft]
    embeddings: list[list[float]] | None = None
    embedding_error: str = ""
    source_ref: str = ""

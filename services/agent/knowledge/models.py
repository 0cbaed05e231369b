"""Tables of the knowledge base (schema "agent", shared base); all RLS-scoped by tenant."""

from __future__ import annotations

import uuid

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    Computed,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.agent.models import Base
from services.kernel.models import TenantMixin

# Must match migration 0030: built from the normalised text (normalise/) the indexer writes;
# a chunk stored before it (no normalised text) keeps 0007's vector of its raw text. The
# question weighs more than the rest, ё is folded to е.
_RAW_TSV = (
    "setweight(to_tsvector('russian', translate(coalesce(question, ''), 'ёЁ', 'еЕ')), 'A') || "
    "setweight(to_tsvector('russian', translate(coalesce(text, ''), 'ёЁ', 'еЕ')), 'D')")
TSV_EXPRESSION = (
    "CASE WHEN search_text = '' THEN " + _RAW_TSV + " ELSE "
    "setweight(to_tsvector('russian', search_question), 'A') || "
    "setweight(to_tsvector('russian', search_text), 'D') END")


class Document(TenantMixin, Base):
    """An uploaded file (or a generated listing document) and how its indexing went."""

    __tablename__ = "documents"
    __table_args__ = (
        Index("uq_documents_sha256", "tenant_id", "sha256", unique=True,
              postgresql_where=text("source_ref = ''")),
        Index("uq_documents_source", "tenant_id", "source_ref", unique=True,
              postgresql_where=text("source_ref <> ''")),
        Index("ix_documents_recent", "tenant_id", text("created_at DESC"), text("id DESC")),
        UniqueConstraint("tenant_id", "id"),
    )

    name: Mapped[str] = mapped_column(String(255), nullable=False)
    mime_type: Mapped[str] = mapped_column(String(127), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    source_ref: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    chunk_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True,
                                           deferred_raiseload=True)


class Chunk(TenantMixin, Base):
    """A searchable piece of a document: one FAQ pair, a passage, or a listing line."""

    __tablename__ = "chunks"
    __table_args__ = (
        Index("uq_chunks_ordinal", "tenant_id", "document_id", "ordinal", unique=True),
        Index("ix_chunks_tsv", "tsv", postgresql_using="gin"),
        Index("ix_chunks_kind", "tenant_id", "kind"),
        Index("ix_chunks_document", "document_id"),
        # The tenant is part of the key: foreign keys bypass RLS (see migration 0007).
        ForeignKeyConstraint(["tenant_id", "document_id"],
                             ["agent.documents.tenant_id", "agent.documents.id"],
                             ondelete="CASCADE"),
    )

    document_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    ordinal: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    question: Mapped[str] = mapped_column(Text, nullable=False, default="")
    answer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    text: Mapped[str] = mapped_column(Text, nullable=False)
    search_question: Mapped[str] = mapped_column(Text, nullable=False, default="")
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    tsv: Mapped[str] = mapped_column(TSVECTOR, Computed(TSV_EXPRESSION, persisted=True))
    embedding: Mapped[list[float] | None] = mapped_column(Vector(), deferred=True,
                                                          deferred_raiseload=True)
    embedding_dim: Mapped[int | None] = mapped_column(Integer)


class SynonymGroup(TenantMixin, Base):
    """Words or short phrases the seller says mean the same (migration 0038), normalised."""

    __tablename__ = "synonym_groups"

    words: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)

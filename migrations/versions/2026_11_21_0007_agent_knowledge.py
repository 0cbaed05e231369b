"""agent: schema, knowledge base (documents, chunks; full-text search and pgvector)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rls.create_schema("agent")
    # pgvector ships with the embedded PostgreSQL wheel; managed servers must allow it.
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")

    # A seller's document. The original bytes are kept so a re-index can re-parse and re-chunk.
    op.execute("""
    CREATE TABLE agent.documents (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      name varchar(255) NOT NULL,
      mime_type varchar(127) NOT NULL DEFAULT '',
      kind varchar(16) NOT NULL
        CHECK (kind IN ('text', 'markdown', 'faq_csv', 'docx', 'xlsx', 'pdf', 'listing')),
      source_ref varchar(255) NOT NULL DEFAULT '',
      status varchar(16) NOT NULL CHECK (status IN ('indexing', 'indexed', 'failed')),
      error text NOT NULL DEFAULT '',
      chunk_count integer NOT NULL DEFAULT 0,
      size_bytes bigint NOT NULL,
      sha256 varchar(64) NOT NULL,
      content bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, id))""")
    # Uploading the same bytes again replaces the document; generated ones (listings) are
    # keyed by where they come from instead.
    op.execute("CREATE UNIQUE INDEX uq_documents_sha256 ON agent.documents (tenant_id, sha256) "
               "WHERE source_ref = ''")
    op.execute("CREATE UNIQUE INDEX uq_documents_source ON agent.documents (tenant_id, source_ref) "
               "WHERE source_ref <> ''")
    op.execute("CREATE INDEX ix_documents_recent ON agent.documents "
               "(tenant_id, created_at DESC, id DESC)")
    rls.tenant_table("agent", "documents")

    # A searchable piece of a document. The tsvector weighs the FAQ question (A) above the rest
    # (D), with ё folded to е as buyers rarely type it. Embeddings have no fixed dimension (it
    # depends on the tenant's model), so they are not indexed: search is an exact cosine scan of
    # one tenant's rows, filtered by dimension — fine at knowledge-base sizes.
    op.execute("""
    CREATE TABLE agent.chunks (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      document_id uuid NOT NULL,
      ordinal integer NOT NULL,
      kind varchar(16) NOT NULL CHECK (kind IN ('faq', 'text', 'listing')),
      question text NOT NULL DEFAULT '',
      answer text NOT NULL DEFAULT '',
      text text NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('russian', translate(coalesce(question, ''), 'ёЁ', 'еЕ')), 'A') ||
        setweight(to_tsvector('russian', translate(coalesce(text, ''), 'ёЁ', 'еЕ')), 'D')) STORED,
      embedding vector,
      embedding_dim integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((embedding IS NULL) = (embedding_dim IS NULL)),
      -- With the tenant in the key: foreign keys bypass RLS, so a chunk can never point at
      -- another tenant's document even by a guessed id.
      FOREIGN KEY (tenant_id, document_id) REFERENCES agent.documents (tenant_id, id)
        ON DELETE CASCADE)""")
    op.execute("CREATE UNIQUE INDEX uq_chunks_ordinal ON agent.chunks (tenant_id, document_id, ordinal)")
    op.execute("CREATE INDEX ix_chunks_document ON agent.chunks (document_id)")
    op.execute("CREATE INDEX ix_chunks_tsv ON agent.chunks USING gin (tsv)")
    op.execute("CREATE INDEX ix_chunks_kind ON agent.chunks (tenant_id, kind)")
    rls.tenant_table("agent", "chunks")


def downgrade() -> None:
    # The extension stays: other databases' objects may use it, and re-creating it is idempotent.
    rls.drop_schema("agent")

"""All SQL of the knowledge base: documents, chunks, and the two retrieval queries.

Flushes, never commits. Every statement runs under the tenant's RLS, including the ones inside
ts_stat (its query runs as the caller).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, func, insert, literal_column, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.agent.knowledge.domain import ChunkDraft, DocumentStatus
from services.agent.knowledge.models import Chunk, Document
from services.agent.knowledge.synonym_repository import SynonymRepository
from services.kernel.repository import RepositoryBase, cursor_id, cursor_time
from services.kernel.tenancy import require_tenant

# A chunk as retrieval scores it: its stems split into the question's (weight A) and the rest.
_FAQ_ENTRIES = """SELECT c.id, c.document_id, c.kind, c.question, c.answer, c.text,
       ARRAY(SELECT u.lexeme FROM unnest(c.tsv) u WHERE 'A' = ANY(u.weights)) AS qstems,
       ARRAY(SELECT u.lexeme FROM unnest(c.tsv) u WHERE NOT 'A' = ANY(u.weights)) AS stems
FROM agent.chunks c WHERE c.kind = 'faq'
ORDER BY c.ordinal, c.id"""
_CANDIDATES = """SELECT c.id, c.document_id, c.kind, c.question, c.answer, c.text,
       ARRAY(SELECT u.lexeme FROM unnest(c.tsv) u WHERE 'A' = ANY(u.weights)) AS qstems,
       ARRAY(SELECT u.lexeme FROM unnest(c.tsv) u WHERE NOT 'A' = ANY(u.weights)) AS stems,
       ts_rank_cd(c.tsv, q) AS rank,
       (SELECT count(*) FROM agent.documents) AS documents,
       (SELECT max(updated_at) FROM agent.documents) AS changed,
       (SELECT count(*) FROM agent.synonym_groups) AS synonyms,
       (SELECT max(updated_at) FROM agent.synonym_groups) AS synonyms_changed
FROM agent.chunks c, CAST(:q AS tsquery) q
WHERE c.tsv @@ q AND c.kind = ANY(CAST(:kinds AS text[]))
ORDER BY rank DESC, c.ordinal, c.id
LIMIT :limit"""
# ts_stat's query runs as the caller: under the tenant's RLS like any other.
_FAQ_STAT = "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM agent.chunks WHERE kind = ''faq'''"


class DocumentRepository(RepositoryBase[Document]):
    model = Document

    async def upsert(self, values: dict[str, Any]) -> tuple[Document, bool]:
        """Insert, or replace the document with the same content (or the same source).

        Returns the row and whether an earlier one was replaced (kept its id and created_at).
        """
        stmt = pg_insert(Document).values(id=uuid.uuid4(), tenant_id=require_tenant(), **values)
        keyed_by_source = bool(values.get("source_ref"))
        key = [Document.tenant_id, Document.source_ref if keyed_by_source else Document.sha256]
        where = text("source_ref <> ''") if keyed_by_source else text("source_ref = ''")
        changed = {k: stmt.excluded[k] for k in values if k != "source_ref"}
        stmt = stmt.on_conflict_do_update(
            index_elements=key, index_where=where, set_={**changed, "updated_at": func.now()},
        ).returning(Document.id, literal_column("xmax <> 0").label("replaced"))
        row = (await self.session.execute(stmt)).one()
        document = await self.session.get(Document, row.id, populate_existing=True)
        assert document is not None  # just written, and RLS shows our own rows
        return document, bool(row.replaced)

    async def list_page(self, size: int, cursor: str) -> tuple[list[Document], str]:
        """Newest first, keyset-paged on (created_at, id)."""
        stmt = select(Document)
        if cursor:
            c = self.cursors.decode(cursor, t=cursor_time, id=cursor_id)
            t, id_ = c["t"], c["id"]
            stmt = stmt.where(or_(Document.created_at < t,
                                  and_(Document.created_at == t, Document.id < id_)))
        rows = list((await self.session.scalars(
            stmt.order_by(Document.created_at.desc(), Document.id.desc()).limit(size + 1))).all())
        if len(rows) <= size:
            return rows, ""
        last = rows[size - 1]
        return rows[:size], self.cursors.encode({"t": last.created_at.isoformat(),
                                                 "id": str(last.id)})

    async def with_content(self, ids: Sequence[uuid.UUID] | None) -> list[tuple[Document, bytes]]:
        """Documents (all when ids is None) with their original bytes, for a re-index."""
        stmt = select(Document, Document.content).order_by(Document.created_at)
        if ids is not None:
            stmt = stmt.where(Document.id.in_(ids))
        return [(r[0], r[1]) for r in (await self.session.execute(stmt)).all()]

    async def ids(self) -> list[uuid.UUID]:
        return list((await self.session.scalars(
            select(Document.id).order_by(Document.created_at, Document.id))).all())

    async def lock(self, id_: uuid.UUID) -> Document | None:
        """The row locked for this transaction (a concurrent delete waits or has won)."""
        return (await self.session.scalars(
            select(Document).where(Document.id == id_).with_for_update())).first()

    async def by_source(self, source_ref: str) -> Document | None:
        return (await self.session.scalars(
            select(Document).where(Document.source_ref == source_ref))).first()

    async def set_status(self, ids: Sequence[uuid.UUID], status: DocumentStatus) -> None:
        await self.session.execute(update(Document).where(Document.id.in_(ids)).values(
            status=status.value, updated_at=func.now()))

    async def delete(self, id_: uuid.UUID) -> bool:
        """Delete one document (its chunks go by ON DELETE CASCADE); False when absent."""
        result = await self.session.execute(
            delete(Document).where(Document.id == id_).returning(Document.id))
        return result.first() is not None


class ChunkRepository(RepositoryBase[Chunk]):
    model = Chunk

    async def replace(self, document_id: uuid.UUID, drafts: Sequence[ChunkDraft],
                      embeddings: Sequence[list[float]] | None) -> None:
        """The document's chunks become `drafts` (embedded when embeddings are given)."""
        await self.session.execute(delete(Chunk).where(Chunk.document_id == document_id))
        if not drafts:
            return
        tenant = require_tenant()
        rows = [{"id": uuid.uuid4(), "tenant_id": tenant, "document_id": document_id,
                 "ordinal": d.ordinal, "kind": d.kind.value, "question": d.question,
                 "answer": d.answer, "text": d.text, "search_question": d.search_question,
                 "search_text": d.search_text,
                 "embedding": embeddings[i] if embeddings else None,
                 "embedding_dim": len(embeddings[i]) if embeddings else None}
                for i, d in enumerate(drafts)]
        await self.session.execute(insert(Chunk), rows)

    async def stems(self, words: Sequence[str]) -> dict[str, list[str]]:
        """Each word's stems under the `russian` config (no table involved)."""
        rows = await self.session.execute(text(
            "SELECT w, tsvector_to_array(to_tsvector('russian', w)) "
            "FROM unnest(CAST(:words AS text[])) AS w"), {"words": list(words)})
        return {r[0]: list(r[1]) for r in rows}

    async def faq_fingerprint(self) -> tuple[str, int, Any, int, Any]:
        """The tenant, its document count and the latest document change, and the same of its
        synonym groups: chunks change only with their document's row (upload, re-index:
        `updated_at` moves; delete: the count drops), so these move whenever the question
        vocabulary or the seller's synonyms may have. A tenant has a few documents and
        thousands of chunks: this reads the few."""
        row = (await self.session.execute(text(
            "SELECT current_setting('app.tenant_id', true), count(*), max(updated_at), "
            "(SELECT count(*) FROM agent.synonym_groups), "
            "(SELECT max(updated_at) FROM agent.synonym_groups) FROM agent.documents"))).one()
        return str(row[0]), int(row[1]), row[2], int(row[3]), row[4]

    async def synonym_groups(self) -> list[list[str]]:
        """The seller's synonym groups' words (knowledge/synonyms.py), for the kept thesaurus."""
        return await SynonymRepository(self.session).words()

    async def question_vocabulary(self) -> tuple[int, dict[str, int]]:
        """How many FAQ chunks there are, and in how many questions each stem occurs."""
        count = await self.session.scalar(
            select(func.count()).select_from(Chunk).where(Chunk.kind == "faq"))
        rows = await self.session.execute(text(_FAQ_STAT + ", 'a')"))
        return int(count or 0), {r[0]: int(r[1]) for r in rows}

    async def entry_frequencies(self) -> dict[str, int]:
        """In how many FAQ entries (question or answer) each stem occurs."""
        rows = await self.session.execute(text(_FAQ_STAT + ")"))
        return {r[0]: int(r[1]) for r in rows}

    async def faq_entries(self) -> list[dict[str, Any]]:
        """Every FAQ chunk as `lexical_candidates` returns one (without its rank), in the
        order it breaks ties by: for the kept index of knowledge/faq_index.py."""
        rows = await self.session.execute(text(_FAQ_ENTRIES))
        return [dict(r._mapping) for r in rows]

    async def lexical_candidates(self, tsquery: str, kinds: Sequence[str],
                                 limit: int) -> tuple[list[dict[str, Any]], tuple[Any, ...] | None]:
        """Chunks matching any of the query's terms, best ts_rank_cd first (then the document's
        order, so equal scores come out the same in every run), with their stems
        split into question stems (weight A) and the rest; and, read in the same snapshot,
        the fingerprint of `faq_fingerprint` without the tenant (None when nothing matched),
        so a kept vocabulary is checked without a round trip of its own."""
        rows = await self.session.execute(text(_CANDIDATES), {
            "q": tsquery, "kinds": list(kinds), "limit": limit})
        found = [dict(r._mapping) for r in rows]
        return found, _fingerprint(found[0]) if found else None

    async def vector_candidates(self, embedding: list[float], kinds: Sequence[str],
                                limit: int) -> list[dict[str, Any]]:
        """The nearest chunks by cosine distance: an exact scan of this tenant's vectors of the
        same dimension (unconstrained `vector` columns cannot be indexed)."""
        rows = await self.session.execute(text("""
            SELECT c.id, c.document_id, c.kind, c.question, c.answer, c.text,
                   1 - (c.embedding <=> CAST(CAST(:v AS float8[]) AS vector)) AS cosine
            FROM agent.chunks c
            WHERE c.embedding_dim = :dim AND c.kind = ANY(CAST(:kinds AS text[]))
            ORDER BY c.embedding <=> CAST(CAST(:v AS float8[]) AS vector), c.id
            LIMIT :limit"""), {"v": embedding, "dim": len(embedding), "kinds": list(kinds),
                               "limit": limit})
        return [dict(r._mapping) for r in rows]

    async def document_names(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Document.id, Document.name).where(Document.id.in_(ids)))
        return {r[0]: r[1] for r in rows}



def _fingerprint(row: dict[str, Any]) -> tuple[Any, ...]:
    """`faq_fingerprint` without the tenant, from a candidates row."""
    return (int(row["documents"]), row["changed"], int(row["synonyms"]),
            row["synonyms_changed"])

"""agent: chunks keep their normalised text, and the full-text vector is built from it

`search_question` and `search_text` hold the question and the text as retrieval compares them
(services/agent/knowledge/normalise: Latin brand words in Cyrillic, lemmas, ё/э folded to е),
written by the indexer. `tsv` is built from them; a chunk stored before this revision (both
empty) keeps the vector of its raw text until its document is re-indexed.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

RAW = ("setweight(to_tsvector('russian', translate(coalesce(question, ''), 'ёЁ', 'еЕ')), 'A') || "
       "setweight(to_tsvector('russian', translate(coalesce(text, ''), 'ёЁ', 'еЕ')), 'D')")
NORMALISED = (
    "CASE WHEN search_text = '' THEN " + RAW + " ELSE "
    "setweight(to_tsvector('russian', search_question), 'A') || "
    "setweight(to_tsvector('russian', search_text), 'D') END")


def upgrade() -> None:
    op.execute("ALTER TABLE agent.chunks ADD COLUMN search_question text NOT NULL DEFAULT '', "
               "ADD COLUMN search_text text NOT NULL DEFAULT ''")
    op.execute(f"ALTER TABLE agent.chunks ALTER COLUMN tsv SET EXPRESSION AS ({NORMALISED})")


def downgrade() -> None:
    op.execute(f"ALTER TABLE agent.chunks ALTER COLUMN tsv SET EXPRESSION AS ({RAW})")
    op.execute("ALTER TABLE agent.chunks DROP COLUMN search_question, DROP COLUMN search_text")

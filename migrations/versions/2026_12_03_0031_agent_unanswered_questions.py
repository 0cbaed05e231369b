"""agent: the questions the agent could not answer

`unanswered_questions`: one row per tenant and normalised question text (lower case, ё as е,
words only), written with the audit entry of a live handoff for want of an answer (no FAQ entry
good enough, unsure answers in a row, the model calling the handoff tool). A repeat adds to
`asked_count` and keeps the latest wording, conversation and best knowledge entry; an answered
question asked again is open again (the new entry did not catch it), a dismissed one stays
hidden. The seller answers one (an FAQ document is added) or dismisses it.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

SCHEMA = "agent"


def upgrade() -> None:
    op.execute("""
    CREATE TABLE agent.unanswered_questions (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      question_key text NOT NULL,
      question text NOT NULL,
      asked_count integer NOT NULL DEFAULT 1,
      first_asked_at timestamptz NOT NULL,
      last_asked_at timestamptz NOT NULL,
      conversation_id uuid,
      audit_id uuid NOT NULL,
      best_chunk_id uuid,
      best_question text NOT NULL DEFAULT '',
      best_score double precision NOT NULL DEFAULT 0,
      reason text NOT NULL DEFAULT '',
      state varchar(12) NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'answered', 'dismissed')),
      answered_document_id uuid,
      resolved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_unanswered_questions_key "
               "ON agent.unanswered_questions (tenant_id, question_key)")
    op.execute("CREATE INDEX ix_unanswered_questions_recent ON agent.unanswered_questions "
               "(tenant_id, state, last_asked_at DESC, id DESC)")
    op.execute("CREATE INDEX ix_unanswered_questions_tenant_id "
               "ON agent.unanswered_questions (tenant_id)")
    rls.tenant_table(SCHEMA, "unanswered_questions")


def downgrade() -> None:
    op.execute("DROP TABLE agent.unanswered_questions")

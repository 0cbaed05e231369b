"""conversations: last_note_at, so an export finds a conversation whose only activity was a note

A private note leaves `last_message_at` alone (it answers nobody), and the export walks the
conversations whose last message is not before the range: one with a new note on an old chat was
left out. Notes now stamp `last_note_at`, and the export reads either. Notes written before this
migration are not backfilled: the owner role that runs migrations reads no tenant's rows under
forced RLS; such a conversation is found once it gets a message or a note again.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE conversations.conversations ADD COLUMN last_note_at timestamptz")


def downgrade() -> None:
    op.execute("ALTER TABLE conversations.conversations DROP COLUMN IF EXISTS last_note_at")

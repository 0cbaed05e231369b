"""identity: API keys may expire, and scopes name resources ("knowledge:write")

`expires_at` (NULL: never) is checked on every authentication; `scopes` widens from 16
characters so a resource scope fits. Existing keys keep their scopes and never expire.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE identity.api_keys ADD COLUMN expires_at timestamptz")
    op.execute("ALTER TABLE identity.api_keys ALTER COLUMN scopes TYPE varchar(64)[]")


def downgrade() -> None:
    op.execute("ALTER TABLE identity.api_keys ALTER COLUMN scopes TYPE varchar(16)[]")
    op.execute("ALTER TABLE identity.api_keys DROP COLUMN expires_at")

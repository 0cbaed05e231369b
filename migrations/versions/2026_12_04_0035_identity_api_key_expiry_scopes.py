"""identity: API keys may expire, and scopes name resources ("knowledge:write")

`expires_at` (NULL: never) is checked on every authentication; `scopes` widens from 16
characters so a resource scope fits. Existing keys keep their scopes and never expire.
The bearer check's definer function (0011) reads `scopes`, and PostgreSQL retypes no column a
function's body uses: it is dropped first and made again, now saying when the key expires.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

from migrations import rls
from migrations.rls import DefinerFunction

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

_SELECT = ("FROM identity.api_keys k WHERE k.key_id = p_key_id AND k.revoked_at IS NULL")
# As migration 0011 made it.
KEY_CREDENTIAL_0011 = DefinerFunction(
    "api_key_credential(p_key_id text)",
    "TABLE (id uuid, tenant_id uuid, secret_sha256 text, scopes text[])",
    f"SELECT k.id, k.tenant_id, k.secret_sha256::text, k.scopes::text[] {_SELECT}")
# Expired keys are returned too: the gateway answers them with a 401 of their own.
KEY_CREDENTIAL = DefinerFunction(
    "api_key_credential(p_key_id text)",
    "TABLE (id uuid, tenant_id uuid, secret_sha256 text, scopes text[], "
    "expires_at timestamptz)",
    f"SELECT k.id, k.tenant_id, k.secret_sha256::text, k.scopes::text[], k.expires_at {_SELECT}")


def upgrade() -> None:
    rls.drop_definer_functions("identity", [KEY_CREDENTIAL_0011])
    op.execute("ALTER TABLE identity.api_keys ADD COLUMN expires_at timestamptz")
    op.execute("ALTER TABLE identity.api_keys ALTER COLUMN scopes TYPE varchar(64)[]")
    rls.create_definer_functions("identity", [KEY_CREDENTIAL])


def downgrade() -> None:
    # Fails while a key holds a scope longer than 16 characters (a resource scope): such keys
    # go first.
    rls.drop_definer_functions("identity", [KEY_CREDENTIAL])
    op.execute("ALTER TABLE identity.api_keys ALTER COLUMN scopes TYPE varchar(16)[]")
    op.execute("ALTER TABLE identity.api_keys DROP COLUMN expires_at")
    rls.create_definer_functions("identity", [KEY_CREDENTIAL_0011])

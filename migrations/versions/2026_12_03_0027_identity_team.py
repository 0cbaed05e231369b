"""identity: team management — invitations, password resets, last login

- `users.activated_at`: when the person set their password (existing users: when created).
  An invited user has none (and an empty password hash): listed, not able to log in, not
  assignable.
- `users.last_login_at`: shown in the team list.
- `user_tokens`: one-time tokens of invitations (7 days) and password resets (24 h); only their
  SHA-256 is kept. The token a person is handed starts with the tenant's id, so redeeming it
  needs no cross-tenant lookup (no definer function): the row is read under that tenant's RLS.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

SCHEMA = "identity"


def upgrade() -> None:
    op.execute("ALTER TABLE identity.users ADD COLUMN activated_at timestamptz, "
               "ADD COLUMN last_login_at timestamptz")
    op.execute("UPDATE identity.users SET activated_at = created_at")
    op.execute("""
    CREATE TABLE identity.user_tokens (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
      purpose varchar(16) NOT NULL CHECK (purpose IN ('invite', 'reset')),
      token_sha256 varchar(64) NOT NULL,
      created_by uuid,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_user_tokens_token "
               "ON identity.user_tokens (tenant_id, token_sha256)")
    op.execute("CREATE INDEX ix_user_tokens_user ON identity.user_tokens (tenant_id, user_id)")
    rls.tenant_table(SCHEMA, "user_tokens")


def downgrade() -> None:
    op.execute("DROP TABLE identity.user_tokens")
    op.execute("ALTER TABLE identity.users DROP COLUMN last_login_at, DROP COLUMN activated_at")

"""identity: tenants, users, browser sessions, API keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

from migrations import rls

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE identity.tenants (
      id uuid PRIMARY KEY,
      name varchar(255) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())""")
    rls.tenant_table("identity", "tenants", key="id")

    op.execute("""
    CREATE TABLE identity.users (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
      email varchar(320) NOT NULL,
      name varchar(255) NOT NULL DEFAULT '',
      password_hash varchar(255) NOT NULL,
      role varchar(16) NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
      disabled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_users_email ON identity.users (lower(email))")
    op.execute("CREATE INDEX ix_users_tenant_id ON identity.users (tenant_id)")
    rls.tenant_table("identity", "users")
    rls.system_access("identity", "users", "SELECT")  # login: find the user by e-mail

    op.execute("""
    CREATE TABLE identity.sessions (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
      token_sha256 varchar(64) NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_sessions_token ON identity.sessions (token_sha256)")
    op.execute("CREATE INDEX ix_sessions_tenant_id ON identity.sessions (tenant_id)")
    rls.tenant_table("identity", "sessions")
    rls.system_access("identity", "sessions", "SELECT")  # resolve a session cookie

    op.execute("""
    CREATE TABLE identity.api_keys (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL REFERENCES identity.tenants (id) ON DELETE CASCADE,
      name varchar(255) NOT NULL,
      key_id varchar(32) NOT NULL,
      secret_sha256 varchar(64) NOT NULL,
      scopes varchar(16)[] NOT NULL,
      created_by uuid,
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())""")
    op.execute("CREATE UNIQUE INDEX uq_api_keys_key_id ON identity.api_keys (key_id)")
    op.execute("CREATE INDEX ix_api_keys_tenant_id ON identity.api_keys (tenant_id)")
    rls.tenant_table("identity", "api_keys")
    rls.system_access("identity", "api_keys", "SELECT")  # authenticate a bearer key


def downgrade() -> None:
    for table in ("api_keys", "sessions", "users", "tenants"):
        op.execute(f"DROP TABLE identity.{table}")

"""Migration helpers for roles, schemas and row-level security.

Every tenant table: RLS ENABLEd and FORCEd (so even the owner is subject to it) and one policy
comparing tenant_id with the transaction's app.tenant_id (unset = NULL = nothing visible).
"""

from __future__ import annotations

from alembic import op

APP_ROLE = "switchboard_app"
SYSTEM_ROLE = "switchboard_system"
CURRENT_TENANT = "nullif(current_setting('app.tenant_id', true), '')::uuid"


def create_roles() -> None:
    """The runtime role (login, no superuser, no BYPASSRLS, owns nothing) and the system role.

    Roles are cluster-wide: create them once, and make sure an existing runtime role was not
    given powers that would void RLS.
    """
    op.execute(f"""
    DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      ELSIF EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}'
                    AND (rolsuper OR rolbypassrls)) THEN
        ALTER ROLE {APP_ROLE} NOSUPERUSER NOBYPASSRLS;
      END IF;
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SYSTEM_ROLE}') THEN
        CREATE ROLE {SYSTEM_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
      END IF;
    END $$""")
    # INHERIT FALSE: the runtime role may SET ROLE to the system role for one transaction, but
    # does not carry its privileges or policies otherwise (else every tenant would see them).
    op.execute(f"GRANT {SYSTEM_ROLE} TO {APP_ROLE} WITH INHERIT FALSE, SET TRUE")


def create_schema(schema: str) -> None:
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    op.execute(f"GRANT USAGE ON SCHEMA {schema} TO {APP_ROLE}, {SYSTEM_ROLE}")


def drop_schema(schema: str) -> None:
    op.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def tenant_table(schema: str, table: str, *, key: str = "tenant_id") -> None:
    """Enable + force RLS with the tenant policy, and let the runtime role use the rows."""
    name = f"{schema}.{table}"
    op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY tenant_isolation ON {name} "
               f"USING ({key} = {CURRENT_TENANT}) WITH CHECK ({key} = {CURRENT_TENANT})")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {APP_ROLE}")


def system_access(schema: str, table: str, *commands: str) -> None:
    """Let the system role run `commands` (SELECT, UPDATE, DELETE) on every tenant's rows."""
    name = f"{schema}.{table}"
    # Also pinned to current_user: a policy TO a role applies to every member of it, so the
    # check must not rely on role membership alone.
    only_system = f"current_user = '{SYSTEM_ROLE}'"
    for command in commands:
        check = f" WITH CHECK ({only_system})" if command == "UPDATE" else ""
        op.execute(f"CREATE POLICY system_{command.lower()} ON {name} FOR {command} "
                   f"TO {SYSTEM_ROLE} USING ({only_system}){check}")
    op.execute(f"GRANT {', '.join(commands)} ON {name} TO {SYSTEM_ROLE}")


def outbox_table(schema: str) -> None:
    """`<schema>.outbox`: events written in business transactions, drained by the relay."""
    op.execute(f"""
    CREATE TABLE {schema}.outbox (
      id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      subject varchar(255) NOT NULL,
      event_type varchar(255) NOT NULL,
      payload bytea NOT NULL,
      headers jsonb NOT NULL DEFAULT '{{}}',
      created_at timestamptz NOT NULL DEFAULT now())""")
    op.execute(f"CREATE INDEX ix_outbox_created_at ON {schema}.outbox (created_at)")
    tenant_table(schema, "outbox")
    # FOR UPDATE SKIP LOCKED needs UPDATE (privilege and policy) besides SELECT.
    system_access(schema, "outbox", "SELECT", "UPDATE", "DELETE")

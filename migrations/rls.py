"""Migration helpers for roles, schemas and row-level security.

Every tenant table: RLS ENABLEd and FORCEd (so even the owner is subject to it) and one policy
comparing tenant_id with the transaction's app.tenant_id (unset = NULL = nothing visible).

Cross-tenant plumbing (credential lookups, webhook resolution, outbox relays, schedulers'
claims) goes through narrow SECURITY DEFINER functions owned by the NOLOGIN system role, whose
policies (`system_access`) are what those functions read; no login role is a member of it
(revision 0011, docs/adr/0002-definer-functions-for-cross-tenant-plumbing.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    """Let the system role run `commands` (SELECT, UPDATE, DELETE) on every tenant's rows: what
    the definer functions of that table (`definer_functions`) may do, nobody else."""
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


# Inside a definer function nothing is looked up on a caller's search_path: every name in a
# body is schema-qualified, and pg_temp comes last so no temporary object can stand in.
DEFINER_SEARCH_PATH = "pg_catalog, pg_temp"


@dataclass(frozen=True)
class DefinerFunction:
    """One cross-tenant need: `signature` like "webhook_target(p_channel_id uuid)", the
    RETURNS clause, and an SQL-standard body (parsed when created: names bind then)."""

    signature: str
    returns: str
    body: str
    writes: bool = False  # a claim or a delete: VOLATILE, else STABLE

    def name(self, schema: str) -> str:
        return f"{schema}.{self.signature}"


def create_definer_functions(schema: str, functions: Sequence[DefinerFunction]) -> None:
    """Create each function SECURITY DEFINER with a pinned search_path, executable by the
    runtime role alone, and owned by the system role (so its policies are what it reads)."""
    for fn in functions:
        op.execute(f"""
        CREATE FUNCTION {fn.name(schema)} RETURNS {fn.returns}
        LANGUAGE sql {"VOLATILE" if fn.writes else "STABLE"} SECURITY DEFINER
        SET search_path = {DEFINER_SEARCH_PATH}
        BEGIN ATOMIC
          {fn.body};
        END""")
        op.execute(f"REVOKE ALL ON FUNCTION {fn.name(schema)} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn.name(schema)} TO {APP_ROLE}")
    # ALTER ... OWNER TO needs, when the migrating owner is no superuser (a managed
    # PostgreSQL's CREATEROLE role), the right to SET ROLE to the new owner and CREATE on the
    # schema for that owner: both are granted for these statements only.
    op.execute(f"GRANT {SYSTEM_ROLE} TO CURRENT_USER WITH INHERIT FALSE, SET TRUE")
    op.execute(f"GRANT CREATE ON SCHEMA {schema} TO {SYSTEM_ROLE}")
    for fn in functions:
        op.execute(f"ALTER FUNCTION {fn.name(schema)} OWNER TO {SYSTEM_ROLE}")
    op.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM {SYSTEM_ROLE}")
    op.execute(f"REVOKE {SYSTEM_ROLE} FROM CURRENT_USER")


def drop_definer_functions(schema: str, functions: Sequence[DefinerFunction]) -> None:
    # The schema's owner may drop what others own in it.
    for fn in reversed(functions):
        op.execute(f"DROP FUNCTION {fn.name(schema)}")


def outbox_functions(schema: str) -> list[DefinerFunction]:
    """The relay's three needs on `<schema>.outbox`: lock-and-fetch a batch of any tenant's
    rows (SKIP LOCKED: relays share the table), delete the published ones, sample the backlog.
    A new service's migration creates them next to `outbox_table(schema)`."""
    table = f"{schema}.outbox"
    return [
        DefinerFunction(
            "outbox_claim(p_limit integer)",
            "TABLE (id uuid, subject text, event_type text, payload bytea, headers jsonb, "
            "created_at timestamptz)",
            f"SELECT o.id, o.subject::text, o.event_type::text, o.payload, o.headers, o.created_at "
            f"FROM {table} o ORDER BY o.created_at LIMIT p_limit FOR UPDATE SKIP LOCKED",
            writes=True),
        DefinerFunction(
            "outbox_delete(p_ids uuid[])", "bigint",
            f"WITH gone AS (DELETE FROM {table} o WHERE o.id = ANY (p_ids) RETURNING 1) "
            f"SELECT count(*) FROM gone",
            writes=True),
        DefinerFunction(
            "outbox_backlog()", "TABLE (waiting bigint, oldest timestamptz)",
            f"SELECT count(*), min(o.created_at) FROM {table} o"),
    ]

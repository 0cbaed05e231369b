"""Every table in our schemas has RLS enabled and forced, with a tenant policy; the runtime
role can't bypass it and owns nothing. Every SECURITY DEFINER function (the only way across
tenants) has a pinned search_path, belongs to the NOLOGIN system role nobody can become, and
only the runtime role may run it."""

from __future__ import annotations

import asyncpg
import pytest

from migrations.rls import APP_ROLE, DEFINER_SEARCH_PATH, SYSTEM_ROLE

SCHEMAS = ("identity", "channels", "conversations", "agent", "telegram_bot", "analytics",
           "scheduling", "integrations")
# Reviewed tables that hold no tenant's data, hence no tenant key and no RLS; each with why.
TENANTLESS = {
    # The platform's own jobs (names, intervals, times, counts, owners' summaries): no tenant
    # id, name or content is ever written there (migration 0023).
    ("scheduling", "platform_jobs"): "platform job definitions",
    ("scheduling", "platform_job_runs"): "platform job run history (counts and reasons)",
    # Failed sign-ins, judged before any tenant is known: a hash of the e-mail and address
    # (or the address) and counts, nothing else (migration 0034).
    ("identity", "login_failures"): "sign-in throttling counts by hashed key",
}


@pytest.fixture
async def owner(owner_url: str):
    conn = await asyncpg.connect(owner_url)
    yield conn
    await conn.close()


async def test_every_table_is_rls_forced_with_a_tenant_policy(owner) -> None:
    rows = await owner.fetch("""
        SELECT n.nspname AS schema, c.relname AS table, c.relrowsecurity AS enabled,
               c.relforcerowsecurity AS forced,
               EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid
                       AND p.polname = 'tenant_isolation') AS has_policy
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = ANY($1::text[])""", list(SCHEMAS))
    assert len(rows) >= 10, "expected the identity, channels and conversations tables"
    bad = [f"{r['schema']}.{r['table']}" for r in rows
           if not (r["enabled"] and r["forced"] and r["has_policy"])
           and (r["schema"], r["table"]) not in TENANTLESS]
    assert bad == []


async def test_every_tenant_table_has_a_tenant_key(owner) -> None:
    rows = await owner.fetch("""
        SELECT table_schema, table_name FROM information_schema.tables t
        WHERE table_schema = ANY($1::text[]) AND table_type = 'BASE TABLE'
          AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                          WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                            AND c.column_name = 'tenant_id' AND c.is_nullable = 'NO')""",
        list(SCHEMAS))
    # identity.tenants is keyed by its own id; the reviewed tenantless tables hold no
    # tenant's data.
    assert sorted((r[0], r[1]) for r in rows) == sorted([("identity", "tenants"), *TENANTLESS])


async def test_runtime_role_cannot_bypass_rls_and_owns_nothing(owner) -> None:
    role = await owner.fetchrow(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", APP_ROLE)
    assert role is not None and not role["rolsuper"] and not role["rolbypassrls"]
    owned = await owner.fetchval("""
        SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
        WHERE r.rolname = $1""", APP_ROLE)
    assert owned == 0


async def test_every_definer_function_is_pinned_and_runs_for_the_runtime_role_only(owner) -> None:
    rows = await owner.fetch("""
        SELECT p.oid::regprocedure::text AS name, p.proconfig AS config, r.rolname AS owner,
               r.rolsuper OR r.rolbypassrls OR r.rolcanlogin AS powerful,
               ARRAY(SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END
                     FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                     WHERE a.privilege_type = 'EXECUTE' ORDER BY 1) AS executors
        FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prosecdef AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'""")
    assert len(rows) >= 10, "expected the credential, webhook, claim and outbox functions"
    bad = [r["name"] for r in rows
           if r["config"] != [f"search_path={DEFINER_SEARCH_PATH}"] or r["owner"] != SYSTEM_ROLE
           or r["powerful"] or sorted(r["executors"]) != sorted([APP_ROLE, SYSTEM_ROLE])]
    assert bad == []


async def test_nobody_can_become_the_owner_of_the_definer_functions(owner) -> None:
    members = await owner.fetch("""
        SELECT member::regrole::text FROM pg_auth_members
        WHERE roleid = $1::regrole AND (set_option OR inherit_option)""", SYSTEM_ROLE)
    assert [r[0] for r in members] == []


async def test_every_outbox_has_its_relay_functions(owner) -> None:
    rows = await owner.fetch("""
        SELECT n.nspname AS schema,
               ARRAY(SELECT p.proname::text FROM pg_proc p WHERE p.pronamespace = n.oid
                     AND p.prosecdef AND p.proname LIKE 'outbox\\_%' ORDER BY 1) AS functions
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND c.relname = 'outbox'""")
    assert len(rows) >= 3
    assert {r["schema"]: r["functions"] for r in rows} == {
        r["schema"]: ["outbox_backlog", "outbox_claim", "outbox_delete"] for r in rows}

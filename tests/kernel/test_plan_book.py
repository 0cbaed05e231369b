"""Tenants' plans in the bus's plans bucket: written by the operator's CLI (as the NATS admin),
read by the enforcing services as their own NATS users (services/kernel/plan_book.py)."""

from __future__ import annotations

import json
import uuid

import pytest

from clients.rpc.topics import PLANS
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.errors import Unavailable
from services.kernel.plan_book import PlanBook
from services.kernel.plans import Limits, TenantPlan
from services.kernel.wire import Bucket
from switchboard import cli
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.fixtures.plans import CATALOGUE, give_plan


@pytest.fixture
async def agent_bus(settings: KernelSettings, credentials: Credentials) -> Bus:
    """The agent's own connection: a reader of the plans bucket, nothing more."""
    bus = await Bus.connect_as(as_component(settings, credentials, "agent"), "agent")
    yield bus
    await bus.close()


async def test_a_service_reads_the_plan_the_operator_set(bus: Bus, agent_bus: Bus) -> None:
    tenant, other = uuid.uuid4(), uuid.uuid4()
    await give_plan(bus, tenant, "start", channel_accounts=5)
    book = PlanBook(agent_bus, PLANS, CATALOGUE, cache_s=0)
    assert await book.plan(tenant) == TenantPlan("start", {"channel_accounts": 5})
    assert await book.limits(tenant) == ("start", Limits(5, 10_000, 2_000, 10_000_000))
    # None set: the default plan.
    assert await book.limits(other) == ("unlimited", Limits())


async def test_a_cached_plan_is_kept_for_the_cache_time(bus: Bus, agent_bus: Bus) -> None:
    tenant = uuid.uuid4()
    cached = PlanBook(agent_bus, PLANS, CATALOGUE, cache_s=3600)
    fresh = PlanBook(agent_bus, PLANS, CATALOGUE, cache_s=0)
    await give_plan(bus, tenant, "free")
    assert (await cached.plan(tenant)).name == "free"
    await give_plan(bus, tenant, "business")
    assert (await fresh.plan(tenant)).name == "business"
    assert (await cached.plan(tenant)).name == "free"


async def test_a_process_without_the_bucket_stops_at_start(bus: Bus, agent_bus: Bus) -> None:
    missing = Bucket("SB_NO_SUCH_PLANS", readers=("agent",))
    with pytest.raises(RuntimeError, match="SB_NO_SUCH_PLANS missing: run `switchboard streams`"):
        await PlanBook(bus, missing, CATALOGUE).require()
    with pytest.raises(RuntimeError, match="is this component among its readers"):
        await PlanBook(agent_bus, missing, CATALOGUE).require()  # not permitted: no answer
    assert await PlanBook(agent_bus, PLANS, CATALOGUE).require()


async def test_a_known_plan_holds_while_the_bus_is_away(
        bus: Bus, settings: KernelSettings, credentials: Credentials) -> None:
    tenant, unknown = uuid.uuid4(), uuid.uuid4()
    await give_plan(bus, tenant, "business")
    away = await Bus.connect_as(as_component(settings, credentials, "agent"), "agent")
    book = PlanBook(away, PLANS, CATALOGUE, cache_s=0)
    assert (await book.plan(tenant)).name == "business"
    await away.nc.close()
    assert (await book.plan(tenant)).name == "business"  # what was known a moment ago
    with pytest.raises(Unavailable, match="the tenant's plan could not be read"):
        await book.plan(unknown)  # never the default plan by mistake


def test_the_cli_sets_and_shows_a_plan(settings: KernelSettings, credentials: Credentials,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    tenant = uuid.uuid4()
    monkeypatch.setenv("SWITCHBOARD_NATS_URL", settings.nats_url)
    for key, value in credentials.admin_settings().items():
        monkeypatch.setenv(f"SWITCHBOARD_{key.upper()}", str(value))
    cli.main(["plans", "set", str(tenant), "free", "--limit", "ai_replies_per_month=unlimited"])
    shown = json.loads(capsys.readouterr().out)
    assert shown["plan"] == "free" and shown["limits"]["ai_replies_per_month"] is None
    cli.main(["plans", "show", str(tenant)])
    assert json.loads(capsys.readouterr().out) == shown
    cli.main(["plans"])
    assert json.loads(capsys.readouterr().out)["plans"]["free"]["channel_accounts"] == 1
    with pytest.raises(SystemExit):
        cli.main(["plans", "set", str(tenant), "gold"])
    assert "no plan 'gold'" in capsys.readouterr().err


def test_a_tenant_is_created_on_a_plan(settings: KernelSettings, credentials: Credentials,
                                       app_url: str, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SWITCHBOARD_NATS_URL", settings.nats_url)
    monkeypatch.setenv("SWITCHBOARD_DATABASE_URL", app_url)
    for key, value in credentials.admin_settings().items():
        monkeypatch.setenv(f"SWITCHBOARD_{key.upper()}", str(value))
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    with pytest.raises(SystemExit):  # refused before anything is created
        cli.main(["tenant", "create", "--name", "Shop", "--email", email,
                  "--password", "password-123", "--plan", "gold"])
    assert "no plan 'gold'" in capsys.readouterr().err
    cli.main(["tenant", "create", "--name", "Shop", "--email", email,
              "--password", "password-123", "--plan", "business"])
    created = json.loads(capsys.readouterr().out)
    assert created["plan"] == "business"
    cli.main(["plans", "show", created["tenant_id"]])
    assert json.loads(capsys.readouterr().out)["limits"]["channel_accounts"] == 10

"""The plans bucket (SB_PLANS, issue #16) on the bus: the operator (admin) writes tenants'
plans; the services that enforce quotas read them one key at a time and may change nothing;
every other component may not even read them. Probes as an intruder with a component's
credentials would make them (raw nats-py), each refusal the server's own answer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from clients.rpc import topics
from services.kernel.bus import Bus
from services.kernel.plans import TenantPlan
from tests.fixtures.plans import give_plan
from tests.security.test_bus_auth import probes  # noqa: F401 - the fixture

PLANS = topics.PLANS


def _key(tenant: uuid.UUID) -> str:
    return f"$KV.{PLANS.name}.{tenant}"


@pytest.mark.parametrize("user", PLANS.readers)
async def test_a_reader_changes_no_plan(probes: Any, bus: Bus, user: str) -> None:  # noqa: F811
    tenant = uuid.uuid4()
    await give_plan(bus, tenant, "free")
    probe = await probes(user)
    forged = TenantPlan("unlimited", {}).encode()
    await probe.nc.publish(_key(tenant), forged)
    await probe.refused("publish", _key(tenant))
    for api in (f"$JS.API.STREAM.PURGE.{PLANS.stream}", f"$JS.API.STREAM.DELETE.{PLANS.stream}",
                f"$JS.API.STREAM.MSG.DELETE.{PLANS.stream}"):
        await probe.nc.publish(api, b"{}")
        await probe.refused("publish", api)
    entry = await (await bus.js.key_value(PLANS.name)).get(str(tenant))
    assert TenantPlan.decode(entry.value or b"").name == "free"


@pytest.mark.parametrize("user", ["gateway", "analytics", "scheduling", "integrations",
                                  "telegram_bot"])
async def test_other_components_read_no_plan(probes: Any, user: str) -> None:  # noqa: F811
    assert user not in PLANS.readers
    probe = await probes(user)
    get = f"$JS.API.DIRECT.GET.{PLANS.stream}.{_key(uuid.uuid4())}"
    await probe.nc.publish(get, b"")
    await probe.refused("publish", get)

"""The plan's channel_accounts quota on the whole platform (issue #16): a tenant set to a small
plan through the plans bucket connects up to its limit and is refused past it with
problem+json /problems/quota-exceeded, two connects at once cannot both take the last slot,
and a disconnected account frees its slot."""

from __future__ import annotations

import asyncio
import uuid

from services.kernel.bus import Bus
from tests.fixtures.plans import give_plan
from tests.fixtures.platform import RunningPlatform


async def _connect(platform: RunningPlatform, http, name: str):  # type: ignore[no-untyped-def]
    account = (await platform.emulator.post("/_emulator/accounts", json={
        "name": name, "items": []})).raise_for_status().json()
    return await http.post("/v1/channels/avito", json={
        "name": name, "client_id": account["client_id"],
        "client_secret": account["client_secret"], "sandbox": True})


async def test_connecting_past_the_plan_is_refused_clearly(platform: RunningPlatform,
                                                           bus: Bus) -> None:
    tenant = await platform.new_tenant()
    await give_plan(bus, tenant.tenant_id, "start", channel_accounts=2)
    first = await _connect(platform, tenant.http, "One")
    assert first.status_code == 201, first.text
    assert (await _connect(platform, tenant.http, "Two")).status_code == 201
    refused = await _connect(platform, tenant.http, "Three")
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json() == {
        "type": "/problems/quota-exceeded", "title": "Quota exceeded", "status": 403,
        "detail": "The plan 'start' allows 2 channel accounts; 2 are connected. Disconnect "
                  "one or change the plan.",
        "quota": "channel_accounts", "plan": "start", "limit": 2, "used": 2, "resets_at": None}
    assert len((await tenant.http.get("/v1/channels")).json()["items"]) == 2  # nothing saved

    gone = await tenant.http.delete(f"/v1/channels/{first.json()['id']}")
    assert gone.status_code == 200, gone.text
    assert (await _connect(platform, tenant.http, "Three")).status_code == 201


async def test_two_connects_at_once_cannot_both_take_the_last_slot(
        platform: RunningPlatform, bus: Bus) -> None:
    tenant = await platform.new_tenant()
    await give_plan(bus, tenant.tenant_id, "free")  # one account
    results = await asyncio.gather(*(_connect(platform, tenant.http, f"Shop {i}")
                                     for i in range(3)))
    assert sorted(r.status_code for r in results) == [201, 403, 403], [r.text for r in results]
    assert len((await tenant.http.get("/v1/channels")).json()["items"]) == 1


async def test_the_default_plan_is_unlimited(platform: RunningPlatform) -> None:
    tenant = await platform.new_tenant()
    for i in range(3):
        assert (await _connect(platform, tenant.http, f"Shop {i}")).status_code == 201


async def test_a_telegram_channel_takes_a_slot_too(platform: RunningPlatform, bus: Bus) -> None:
    tenant = await platform.new_tenant()
    await give_plan(bus, tenant.tenant_id, "free")
    assert (await _connect(platform, tenant.http, "Avito")).status_code == 201
    bot = (await platform.telegram.post("/_emulator/bots", json={
        "username": f"quota_{uuid.uuid4().hex[:8]}_bot", "first_name": "Shop"})).json()
    refused = await tenant.http.post("/v1/channels/telegram", json={"token": bot["token"]})
    assert refused.status_code == 403, refused.text
    assert refused.json()["quota"] == "channel_accounts"
    hook = (await platform.telegram.get(f"/_emulator/bots/{bot['id']}")).json()["webhook"]
    assert not hook or not hook.get("url"), hook  # refused before the webhook was set

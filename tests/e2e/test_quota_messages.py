"""The plan's messages_per_month on the whole platform (issue #16): every message stored is
counted, in and out; a reply past the month's limit is refused (problem+json with the month's
reset), while buyers' messages are still stored — and counted — past it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.conversations.quotas.repository import UsageMonthsRepository
from services.kernel.bus import Bus
from services.kernel.plans import month_of, resets_at
from tests.fixtures.events import eventually
from tests.fixtures.plans import give_plan
from tests.fixtures.platform import RunningPlatform, Tenant

pytestmark = pytest.mark.slow


async def _stored(platform: RunningPlatform, tenant: uuid.UUID) -> int:
    async with platform.db.unit_of_work(tenant) as session:
        return await UsageMonthsRepository(session, tenant).used(month_of(datetime.now(UTC)))


async def _messages(tenant: Tenant, conversation_id: str) -> list[dict]:
    resp = await tenant.http.get(f"/v1/conversations/{conversation_id}/messages")
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


async def test_replies_stop_at_the_limit_and_buyers_are_still_heard(
        platform: RunningPlatform, bus: Bus) -> None:
    seller = await platform.new_tenant("Seller")
    await give_plan(bus, seller.tenant_id, "free", messages_per_month=3)
    shop = await platform.connect_sandbox_shop(seller)
    chat = (await platform.buyer_writes(shop, "Здравствуйте!"))["chat_id"]
    await platform.buyer_writes(shop, "Велосипед ещё продаётся?", chat_id=chat)

    async def two_stored() -> str | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return items[0]["id"] if items and await _stored(platform, seller.tenant_id) == 2 \
            else None
    conversation = await eventually(two_stored)
    path = f"/v1/conversations/{conversation}/messages"

    first = await seller.http.post(path, json={"text": "Да, продаётся."})
    assert first.status_code == 201, first.text  # the third message of the month
    refused = await seller.http.post(path, json={"text": "Приезжайте!"})
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert problem["type"] == "/problems/quota-exceeded"
    assert problem["detail"] == ("The plan 'free' allows 3 messages a month; 3 are stored this "
                                 "month. Wait for the next month or change the plan.")
    assert (problem["quota"], problem["limit"], problem["used"]) == ("messages_per_month", 3, 3)
    assert problem["resets_at"] == resets_at(datetime.now(UTC)).isoformat()
    assert "Приезжайте!" not in [m["text"] for m in await _messages(seller, conversation)]

    await platform.buyer_writes(shop, "Алло?", chat_id=chat)  # past the limit: stored all the same

    async def heard() -> bool:
        texts = [m["text"] for m in await _messages(seller, conversation)]
        return "Алло?" in texts and await _stored(platform, seller.tenant_id) == 4
    await eventually(heard)
    assert (await seller.http.post(path, json={"text": "Да?"})).status_code == 403
    assert await _stored(platform, seller.tenant_id) == 4  # a refusal counts nothing

"""The plan in the API (issue #16): GET /v1/plan and GraphQL `plan` show each quota's limit,
use, remaining and reset as the enforcing services count them; a plan:read key reads it and
nothing else; a quota refusal through GraphQL is QUOTA_EXCEEDED with the same figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.kernel.bus import Bus
from services.kernel.plans import resets_at
from tests.fixtures.events import eventually
from tests.fixtures.plans import give_plan
from tests.fixtures.platform import RunningPlatform

pytestmark = pytest.mark.slow

PLAN_QUERY = "{ plan { plan quotas { name limit used remaining resetsAt } } }"


async def test_the_plan_shows_each_quota_as_counted(platform: RunningPlatform, bus: Bus) -> None:
    seller = await platform.new_tenant("Plan seller")
    await give_plan(bus, seller.tenant_id, "start", messages_per_month=2,
                    knowledge_bytes=None)
    shop = await platform.connect_sandbox_shop(seller)
    await platform.buyer_writes(shop, "Здравствуйте!")
    month_end = resets_at(datetime.now(UTC)).isoformat().replace("+00:00", "Z")

    async def counted() -> dict | None:
        body = (await seller.http.get("/v1/plan")).json()
        return body if body["quotas"][1]["used"] == 1 else None
    body = await eventually(counted)
    assert body["plan"] == "start"
    quotas = {q["name"]: q for q in body["quotas"]}
    assert list(quotas) == ["channel_accounts", "messages_per_month", "ai_replies_per_month",
                            "knowledge_bytes"]
    assert quotas["channel_accounts"] == {"name": "channel_accounts", "limit": 3, "used": 1,
                                          "remaining": 2, "resets_at": None}
    messages = quotas["messages_per_month"]
    assert (messages["limit"], messages["used"], messages["remaining"]) == (2, 1, 1)
    assert messages["resets_at"].replace("+00:00", "Z") == month_end
    assert quotas["ai_replies_per_month"]["limit"] == 2000
    assert quotas["knowledge_bytes"] == {"name": "knowledge_bytes", "limit": None, "used": 0,
                                         "remaining": None, "resets_at": None}

    graphql = (await seller.http.post("/graphql", json={"query": PLAN_QUERY})).json()
    plan = graphql["data"]["plan"]
    assert plan["plan"] == "start"
    assert [(q["name"], q["limit"], q["used"], q["remaining"]) for q in plan["quotas"]] == [
        (q["name"], q["limit"], q["used"], q["remaining"]) for q in body["quotas"]]

    # The second message of the month is sent; the third is refused, in GraphQL's words.
    conversation = (await seller.http.get("/v1/conversations")).json()["items"][0]["id"]
    send = ("mutation($id: ID!) { sendMessage(input: {conversationId: $id, text: \"Да\"}) "
            "{ id } }")
    sent = (await seller.http.post("/graphql", json={"query": send,
                                                     "variables": {"id": conversation}})).json()
    assert sent["data"]["sendMessage"]["id"], sent
    refused = (await seller.http.post("/graphql", json={"query": send,
                                                        "variables": {"id": conversation}})).json()
    [error] = refused["errors"]
    assert error["message"].startswith("The plan 'start' allows 2 messages a month; 2 are")
    extensions = error["extensions"]
    assert extensions["code"] == "QUOTA_EXCEEDED"
    assert (extensions["quota"], extensions["plan"], extensions["limit"], extensions["used"]) \
        == ("messages_per_month", "start", 2, 2)
    assert extensions["resets_at"] == resets_at(datetime.now(UTC)).isoformat()


async def test_a_plan_read_key_reads_the_plan_and_nothing_else(platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Scoped plan")
    made = await seller.http.post("/v1/api-keys", json={"name": "billing",
                                                        "scopes": ["plan:read"]})
    assert made.status_code == 201, made.text
    headers = {"Authorization": f"Bearer {made.json()['key']}"}
    plan = await seller.http.get("/v1/plan", headers=headers)
    assert plan.status_code == 200 and plan.json()["plan"] == "unlimited", plan.text
    assert all(q["limit"] is None for q in plan.json()["quotas"])
    assert (await seller.http.get("/v1/conversations", headers=headers)).status_code == 403
    other = await seller.http.post("/v1/api-keys", json={"name": "inbox",
                                                         "scopes": ["conversations:read"]})
    refused = await seller.http.get("/v1/plan", headers={
        "Authorization": f"Bearer {other.json()['key']}"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "this needs the 'read' scope on plan"

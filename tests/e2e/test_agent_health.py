"""The agent's health through the platform: a tenant's agent pointed at a model the LLM
emulator does not know (404, for this tenant only) hands three buyers over; GET
/v1/agent/health and GraphQL `agentHealth` then say failing, why (without the key), since
when and how many conversations went to managers (the SDK's `agent_health` too); another
tenant's health stays unknown."""

from __future__ import annotations

from typing import Any

import pytest
from switchboard_sdk import AgentModelState, Switchboard

from tests.e2e.test_agent import enable_agent
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow

KEY = "sk-health-secret"
QUERY = """{ agentHealth { state consecutiveFailures failingSince lastSuccess handedOverLastHour
  enabled model baseUrlHost failureThreshold windowS lastError { kind reason at } } }"""


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Health seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def test_a_failing_model_is_told_by_rest_and_graphql_to_its_tenant_only(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    other = await platform.new_tenant("Other seller")
    before = (await seller.http.get("/v1/agent/health")).json()
    assert before["state"] == "unknown" and before["last_error"] is None
    await enable_agent(seller, shop, base_url=f"{platform.llm_url}/v1", model="no-such-model",
                       api_key=KEY)
    for n in range(3):
        await platform.buyer_writes(shop, f"Здравствуйте, вопрос номер {n}")

    async def failing() -> dict[str, Any] | None:
        found = (await seller.http.get("/v1/agent/health")).json()
        return found if found["state"] == "failing" else None
    health = await eventually(failing, within=30)
    assert health["consecutive_failures"] == 3 and health["handed_over_last_hour"] == 3
    assert health["last_error"]["kind"] == "model_not_found"
    assert "does not know this model" in health["last_error"]["reason"]
    assert health["failing_since"] and health["last_success"] is None
    assert health["model"] == "no-such-model" and health["enabled"]
    assert health["base_url_host"] == platform.llm_url.removeprefix("http://")
    assert (health["failure_threshold"], health["window_s"]) == (3, 3600)
    assert KEY not in str(health)

    graphql = (await seller.http.post("/graphql", json={"query": QUERY})).json()
    shown = graphql["data"]["agentHealth"]
    assert shown["state"] == "failing" and shown["lastError"]["kind"] == "model_not_found"
    assert shown["consecutiveFailures"] == 3 and shown["handedOverLastHour"] == 3
    assert shown["baseUrlHost"] == health["base_url_host"] and shown["lastSuccess"] is None

    async with Switchboard(platform.gateway_url, api_key=seller.api_key) as sb:
        told = await sb.agent_health()
    assert told.state == AgentModelState.FAILING and told.consecutive_failures == 3
    assert told.last_error is not None and told.last_error.kind == "model_not_found"
    assert told.failing_since is not None and told.handed_over_last_hour == 3

    theirs = (await other.http.get("/v1/agent/health")).json()
    assert theirs["state"] == "unknown" and theirs["consecutive_failures"] == 0
    assert theirs["last_error"] is None and theirs["handed_over_last_hour"] == 0
    assert (await other.http.post("/graphql", json={"query": QUERY})).json()[
        "data"]["agentHealth"]["state"] == "unknown"
    anonymous = await platform.llm.get(f"{platform.gateway_url}/v1/agent/health")
    assert anonymous.status_code == 401

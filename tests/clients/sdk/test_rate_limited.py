"""The SDK against a gateway whose GraphQL budget runs out: a 429 (RATE_LIMITED) is waited out
as Retry-After says and the call succeeds; with no retries left it is RateLimited with the wait."""

from __future__ import annotations

import pytest
from switchboard_sdk import RateLimited, Switchboard
from switchboard_sdk.retry import Backoff

from tests.fixtures.platform import RunningPlatform, second_gateway


async def test_a_spent_budget_is_waited_out_or_told(platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("SDK и лимит")
    # 25 points, 25 a second: conversations(first: 20) costs 20, so the second call is refused
    # and can go through a second later.
    runtime = await second_gateway(platform, graphql_cost_per_s=25.0, graphql_cost_burst=25)
    try:
        patient = Switchboard(runtime.url, api_key=seller.api_key, retries=2,
                              backoff=Backoff(base_s=0.05, cap_s=3.0))
        hasty = Switchboard(runtime.url, api_key=seller.api_key, retries=0)
        try:
            assert (await patient.conversations(first=20)).items == []
            assert (await patient.conversations(first=20)).items == []  # after a 429
            with pytest.raises(RateLimited) as refused:
                await hasty.conversations(first=20)
            assert refused.value.retry_after is not None and refused.value.retry_after >= 1
            assert refused.value.status == 429 and refused.value.code == "RATE_LIMITED"
        finally:
            await patient.aclose()
            await hasty.aclose()
    finally:
        await runtime.stop()

"""The plan through the SDK (issue #16): `plan()`'s document holds against the schema; on the
platform it shows the tenant's quotas, and a quota refusal is QuotaExceeded with its figures,
whether GraphQL (connecting a channel) or REST (a knowledge upload) said it."""

from __future__ import annotations

import pytest
from graphql import parse, validate
from switchboard_sdk import PermissionDenied, QuotaExceeded, Switchboard
from switchboard_sdk import plan as documents
from switchboard_sdk.errors import from_graphql, from_problem

from gateway.config import GatewaySettings
from gateway.graphql.schema import build_schema
from services.kernel.bus import Bus
from tests.fixtures.plans import give_plan
from tests.fixtures.platform import RunningPlatform, Tenant


def test_the_document_is_valid_against_the_schema() -> None:
    schema = build_schema(GatewaySettings())._schema
    assert validate(schema, parse(documents.PLAN)) == []


def test_quota_refusals_decode_with_their_figures() -> None:
    figures = {"quota": "messages_per_month", "plan": "free", "limit": 1000, "used": 1000,
               "resets_at": "2027-01-01T00:00:00+00:00"}
    rest = from_problem(403, {"type": "/problems/quota-exceeded", "detail": "No more.",
                              **figures})
    graphql = from_graphql({"message": "No more.",
                            "extensions": {"code": "QUOTA_EXCEEDED", **figures}})
    for error in (rest, graphql):
        assert isinstance(error, QuotaExceeded) and error.message == "No more."
        assert (error.quota, error.plan, error.limit, error.used, error.resets_at) == (
            "messages_per_month", "free", 1000, 1000, "2027-01-01T00:00:00+00:00")
    plain = from_problem(403, {"detail": "this needs the 'write' scope"})
    assert type(plain) is PermissionDenied


async def _account(platform: RunningPlatform) -> dict:
    return (await platform.emulator.post("/_emulator/accounts", json={
        "name": "SDK shop", "items": []})).raise_for_status().json()


@pytest.mark.slow
async def test_the_plan_and_its_refusals(platform: RunningPlatform, seller: Tenant,
                                         sb: Switchboard, bus: Bus) -> None:
    await give_plan(bus, seller.tenant_id, "free", knowledge_bytes=10)
    plan = await sb.plan()
    assert plan.plan == "free"
    assert [q.name for q in plan.quotas] == ["channel_accounts", "messages_per_month",
                                             "ai_replies_per_month", "knowledge_bytes"]
    assert (plan.quota("channel_accounts").limit, plan.quota("channel_accounts").used) == (1, 0)
    assert plan.quota("messages_per_month").resets_at is not None

    first = await _account(platform)
    await sb.connect_avito_channel("One", first["client_id"], first["client_secret"], sandbox=True)
    second = await _account(platform)
    with pytest.raises(QuotaExceeded) as refused:  # GraphQL's QUOTA_EXCEEDED
        await sb.connect_avito_channel("Two", second["client_id"], second["client_secret"],
                                       sandbox=True)
    assert isinstance(refused.value, PermissionDenied)  # an old `except` still catches it
    assert (refused.value.quota, refused.value.plan, refused.value.limit, refused.value.used) \
        == ("channel_accounts", "free", 1, 1)
    assert "Disconnect one or change the plan" in refused.value.message

    with pytest.raises(QuotaExceeded) as too_big:  # REST's /problems/quota-exceeded
        await sb.upload_knowledge([("faq.txt", b"Question? Answer, long enough to pass.")])
    assert (too_big.value.quota, too_big.value.limit, too_big.value.status) == \
        ("knowledge_bytes", 10, 403)
    assert (await sb.plan()).quota("knowledge_bytes").used == 0

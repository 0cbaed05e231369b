"""The plan catalogue (built-in or SWITCHBOARD_PLANS), a tenant's overrides, the monthly period
and the refusal's wire form (services/kernel/plans.py, errors.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import grpc
import pytest

from services.kernel.errors import Internal, QuotaExceeded, error_for_status
from services.kernel.plans import (
    BUILT_IN,
    CHANNEL_ACCOUNTS,
    MESSAGES_PER_MONTH,
    Catalogue,
    Limits,
    PlanError,
    Quota,
    TenantPlan,
    month_of,
    parse_catalogue,
    resets_at,
)
from switchboard.plans_cli import parse_overrides


def test_the_built_in_plans() -> None:
    catalogue = Catalogue.from_settings("", "unlimited")
    assert set(catalogue.plans) == {"free", "start", "business", "unlimited"}
    assert catalogue.plans["start"] == Limits(3, 10_000, 2_000, 10_000_000)
    assert catalogue.plans["unlimited"] == Limits()


def test_an_operator_catalogue_replaces_the_built_in_one() -> None:
    text = json.dumps({"solo": {"channel_accounts": 1, "messages_per_month": None,
                                "ai_replies_per_month": 50, "knowledge_bytes": 0}})
    catalogue = Catalogue.from_settings(text, "solo")
    assert catalogue.plans == {"solo": Limits(1, None, 50, 0)}


@pytest.mark.parametrize(("text", "says"), [
    ("{not json", "not JSON"),
    ("[]", "non-empty object"),
    ('{"a": {"channel_accounts": 1}}', "missing messages_per_month"),
    ('{"a": {"channel_acounts": 1}}', "unknown limit(s) channel_acounts"),
    ('{"a": {"channel_accounts": -1, "messages_per_month": 1, "ai_replies_per_month": 1, '
     '"knowledge_bytes": 1}}', "whole number >= 0"),
    ('{"a": {"channel_accounts": "3", "messages_per_month": 1, "ai_replies_per_month": 1, '
     '"knowledge_bytes": 1}}', "whole number >= 0"),
])
def test_a_bad_catalogue_is_refused_clearly(text: str, says: str) -> None:
    with pytest.raises(PlanError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse_catalogue(text)


def test_the_default_plan_must_be_in_the_catalogue() -> None:
    with pytest.raises(PlanError, match="SWITCHBOARD_DEFAULT_PLAN 'gold'"):
        Catalogue.from_settings("", "gold")


def test_a_tenants_overrides_replace_its_plans_limits() -> None:
    catalogue = Catalogue.from_settings("", "unlimited")
    plan = TenantPlan("start", parse_overrides(["channel_accounts=5",
                                                "messages_per_month=unlimited"]))
    assert plan.limits(catalogue) == Limits(5, None, 2_000, 10_000_000)
    assert TenantPlan.decode(plan.encode()) == plan
    # A plan the operator has since removed counts as the default one.
    assert TenantPlan("gone", {}).limits(catalogue) == BUILT_IN["unlimited"]


@pytest.mark.parametrize("item", ["channel_accounts", "channel_accounts=x", "seats=3",
                                  "knowledge_bytes=-2"])
def test_bad_overrides_are_refused(item: str) -> None:
    with pytest.raises(PlanError):
        parse_overrides([item])


def test_the_month_is_the_calendar_month_in_utc() -> None:
    # 23:30 on Jan 31st in Moscow is still January 31st, 20:30 UTC; 01:00 Feb 1st in Moscow
    # is January 31st, 22:00 UTC: January for both.
    msk = timezone(timedelta(hours=3))
    assert month_of(datetime(2027, 2, 1, 1, 0, tzinfo=msk)).isoformat() == "2027-01-01"
    assert month_of(datetime(2027, 2, 1, 0, 0, tzinfo=UTC)).isoformat() == "2027-02-01"
    assert resets_at(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)) == \
        datetime(2027, 1, 1, tzinfo=UTC)
    assert resets_at(datetime(2026, 1, 1, 0, 0, tzinfo=UTC)) == datetime(2026, 2, 1, tzinfo=UTC)


def test_a_quota_refuses_past_its_limit_and_says_so() -> None:
    quota = Quota(CHANNEL_ACCOUNTS, "start", 3)
    quota.check(used=2)
    with pytest.raises(QuotaExceeded) as refused:
        quota.check(used=3)
    assert refused.value.message == ("The plan 'start' allows 3 channel accounts; 3 are "
                                     "connected. Disconnect one or change the plan.")
    assert refused.value.resets_at is None
    Quota(CHANNEL_ACCOUNTS, "unlimited", None).check(used=10**9)


def test_a_monthly_refusal_says_when_it_resets_and_crosses_grpc() -> None:
    now = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    error = Quota(MESSAGES_PER_MONTH, "free", 1_000).exceeded(1_000, now)
    assert error.resets_at == datetime(2027, 1, 1, tzinfo=UTC)
    again = error_for_status(grpc.StatusCode.RESOURCE_EXHAUSTED, error.message, error.trailers())
    assert isinstance(again, QuotaExceeded)
    assert again.figures() == error.figures() == {
        "quota": "messages_per_month", "plan": "free", "limit": 1000, "used": 1000,
        "resets_at": "2027-01-01T00:00:00+00:00"}
    # gRPC's own RESOURCE_EXHAUSTED (an answer too large) is no quota: a 500, as before.
    assert type(error_for_status(grpc.StatusCode.RESOURCE_EXHAUSTED, "too big")) is Internal

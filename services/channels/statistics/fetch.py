"""Fetching an account's Avito statistics for analytics, kind by kind: what fails is reported
with its reason, beside whatever else succeeded — a failure is never turned into zeros.

Every call goes through the account's shared client (avito/pool.py), so its documented limits
(one call a minute for some endpoints) hold per account and endpoint across every caller of
this replica; the kinds of one request run side by side, each bounded by the caller's budget.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from services.channels.avito.client import AvitoClient
from services.channels.avito.errors import (
    AvitoAuthError,
    AvitoError,
    AvitoPaymentRequired,
    AvitoUnavailable,
)
from services.channels.avito.pool import AvitoClients
from services.channels.avito.stats_calls import check_range
from services.channels.models import AccountStatus, ChannelKind
from services.channels.repository import ChannelsUnit
from services.kernel.errors import FailedPrecondition, InvalidArgument
from services.kernel.repository import parse_uuid
from services.kernel.unit import Units

DEFAULT_BUDGET_S = 60.0


class Kind(enum.Enum):
    """What can be asked; the values are those of channels.v1.StatisticsKind."""

    ITEM_STATS = 1
    ITEM_ANALYTICS = 2
    SPENDINGS = 3
    BALANCE = 4
    CPA_BALANCE = 5
    CALLS = 6


# How a seller reads each kind in a problem.
LABELS = {Kind.ITEM_STATS: "listing statistics", Kind.ITEM_ANALYTICS: "profile analytics",
          Kind.SPENDINGS: "spendings", Kind.BALANCE: "the wallet balance",
          Kind.CPA_BALANCE: "the CPA balance", Kind.CALLS: "call statistics"}
# The scope an authorization-code token needs for each kind (research §1.4).
_SCOPES = {Kind.ITEM_STATS: "stats:read", Kind.ITEM_ANALYTICS: "stats:read",
           Kind.SPENDINGS: "stats:read", Kind.BALANCE: "user_balance:read",
           Kind.CALLS: "items:info"}


@dataclass(frozen=True)
class Problem:
    kind: Kind
    reason: str
    retryable: bool
    retry_after_s: float | None = None


@dataclass
class Fetched:
    """Each kind that succeeded -> its typed result (avito/stats_calls.py); the rest failed."""

    results: dict[Kind, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class StatisticsFetcher:
    def __init__(self, units: Units[ChannelsUnit], clients: AvitoClients) -> None:
        self._units, self._clients = units, clients

    async def fetch(self, channel_id: str, first: date, last: date, kinds: Sequence[Kind],
                    budget_s: float | None = None) -> Fetched:
        try:
            check_range(first, last, datetime.now(UTC).date())
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from None
        async with self._units() as unit:
            account = await unit.accounts.get_or_raise(parse_uuid(channel_id, "channel id"),
                                                       "channel")
        if account.kind != ChannelKind.AVITO:
            raise FailedPrecondition("only Avito accounts have Avito statistics")
        if account.status != AccountStatus.ACTIVE:
            raise FailedPrecondition("the channel is disconnected: connect it again to fetch "
                                     "its statistics")
        client = self._clients.for_account(account)
        calls = _calls(client, account.external_account_id, first, last)
        wanted = list(dict.fromkeys(kinds)) or list(Kind)
        budget = budget_s if budget_s is not None else DEFAULT_BUDGET_S
        outcomes = await asyncio.gather(*(_one(kind, calls[kind], budget) for kind in wanted))
        fetched = Fetched()
        for kind, outcome in zip(wanted, outcomes, strict=True):
            if isinstance(outcome, Problem):
                fetched.problems.append(outcome)
            else:
                fetched.results[kind] = outcome
        return fetched


def _calls(client: AvitoClient, user_id: str, first: date,
           last: date) -> dict[Kind, Callable[[], Awaitable[Any]]]:
    async def item_stats() -> Any:
        return await client.item_stats(user_id, await client.list_item_ids(), first, last)

    return {
        Kind.ITEM_STATS: item_stats,
        Kind.ITEM_ANALYTICS: lambda: client.item_analytics(user_id, first, last),
        Kind.SPENDINGS: lambda: client.spendings(user_id, first, last),
        Kind.BALANCE: lambda: client.wallet_balance(user_id),
        Kind.CPA_BALANCE: client.cpa_balance,
        Kind.CALLS: lambda: client.calls_stats(user_id, first, last),
    }


async def _one(kind: Kind, call: Callable[[], Awaitable[Any]], budget_s: float) -> Any:
    try:
        async with asyncio.timeout(budget_s):
            return await call()
    except TimeoutError:
        return Problem(kind, f"Avito did not answer {LABELS[kind]} in time", retryable=True)
    except AvitoError as exc:
        return problem(kind, exc)


def problem(kind: Kind, exc: AvitoError) -> Problem:
    """What failed, worded for the seller, and whether asking again later can help."""
    label = LABELS[kind]
    if isinstance(exc, AvitoUnavailable):
        if exc.status == 429:
            wait = f" for {exc.retry_after_s:.0f} s" if exc.retry_after_s else ""
            return Problem(kind, f"Avito's limit for {label} is used up{wait}: it is asked "
                           "again later", True, exc.retry_after_s)
        return Problem(kind, f"Avito is not answering for {label}: {exc.message}", True,
                       exc.retry_after_s)
    if isinstance(exc, AvitoAuthError):
        return Problem(kind, f"Avito refused the account's credentials ({label}): reconnect "
                       "the account", False)
    if isinstance(exc, AvitoPaymentRequired):
        return Problem(kind, f"Avito asks for a paid tariff for {label}", False)
    if exc.status in (401, 403):
        scope = _SCOPES.get(kind)
        hint = (f"reconnect the account granting {scope}" if scope
                else "CPA may not be enabled on this account")
        return Problem(kind, f"Avito refused {label} ({exc.status}): {hint}", False)
    return Problem(kind, f"Avito refused {label} ({exc.status}): {exc.message}", False)

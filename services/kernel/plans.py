"""Plans and their quotas: the catalogue (the built-in plans, or the operator's
SWITCHBOARD_PLANS), a tenant's plan (a name and per-limit overrides, operator data kept in the
bus's plans bucket: `plan_book.py`), the monthly period, and the refusal a service raises.

Each service counts what it owns (docs/api.md, "Plans and quotas"): channels its connected
accounts, conversations the messages stored per month, the agent its AI replies per month and
the bytes of its knowledge. A limit of None is unlimited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from typing import Any

from services.kernel.errors import QuotaExceeded

CHANNEL_ACCOUNTS = "channel_accounts"
MESSAGES_PER_MONTH = "messages_per_month"
AI_REPLIES_PER_MONTH = "ai_replies_per_month"
KNOWLEDGE_BYTES = "knowledge_bytes"


@dataclass(frozen=True)
class Limits:
    channel_accounts: int | None = None
    messages_per_month: int | None = None
    ai_replies_per_month: int | None = None
    knowledge_bytes: int | None = None

    def of(self, quota: str) -> int | None:
        return getattr(self, quota)  # type: ignore[no-any-return]


QUOTAS: tuple[str, ...] = tuple(f.name for f in fields(Limits))
MONTHLY = frozenset({MESSAGES_PER_MONTH, AI_REPLIES_PER_MONTH})
# How a refusal names what ran out ("3 channel accounts are connected").
_NOUNS = {CHANNEL_ACCOUNTS: ("channel account", "channel accounts", "connected"),
          MESSAGES_PER_MONTH: ("message a month", "messages a month", "stored this month"),
          AI_REPLIES_PER_MONTH: ("AI reply a month", "AI replies a month", "sent this month"),
          KNOWLEDGE_BYTES: ("byte of knowledge", "bytes of knowledge", "stored")}
_REMEDIES = {CHANNEL_ACCOUNTS: "Disconnect one or change the plan.",
             MESSAGES_PER_MONTH: "Wait for the next month or change the plan.",
             AI_REPLIES_PER_MONTH: "Wait for the next month or change the plan.",
             KNOWLEDGE_BYTES: "Delete documents or change the plan."}

UNLIMITED = "unlimited"
BUILT_IN: dict[str, Limits] = {
    "free": Limits(1, 1_000, 200, 1_000_000),
    "start": Limits(3, 10_000, 2_000, 10_000_000),
    "business": Limits(10, 100_000, 20_000, 50_000_000),
    UNLIMITED: Limits(),
}


class PlanError(ValueError):
    """The operator's catalogue or a plan assignment is not valid (said at start, or by the CLI)."""


def parse_limits(raw: object, where: str, *, partial: bool = False) -> dict[str, int | None]:
    """A JSON object of limits: each a non-negative integer or null (unlimited). Unless
    `partial`, all four must be named, so a typo never silently means unlimited."""
    if not isinstance(raw, dict):
        raise PlanError(f"{where}: expected an object of limits ({', '.join(QUOTAS)})")
    unknown = set(raw) - set(QUOTAS)
    if unknown:
        raise PlanError(f"{where}: unknown limit(s) {', '.join(sorted(unknown))}; "
                        f"the limits are {', '.join(QUOTAS)}")
    missing = [q for q in QUOTAS if q not in raw]
    if missing and not partial:
        raise PlanError(f"{where}: missing {', '.join(missing)} (null means unlimited)")
    for name, value in raw.items():
        if value is not None and (type(value) is not int or value < 0):
            raise PlanError(f"{where}: {name} must be a whole number >= 0 or null, not {value!r}")
    return dict(raw)


def parse_catalogue(text: str) -> dict[str, Limits]:
    """SWITCHBOARD_PLANS: {"<plan>": {<the four limits>}, ...}; empty: the built-in plans."""
    if not text.strip():
        return dict(BUILT_IN)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"SWITCHBOARD_PLANS is not JSON: {exc}") from None
    if not isinstance(raw, dict) or not raw:
        raise PlanError("SWITCHBOARD_PLANS must be a non-empty object: plan name -> limits")
    return {name: Limits(**parse_limits(limits, f"SWITCHBOARD_PLANS[{name!r}]"))
            for name, limits in raw.items()}


@dataclass(frozen=True)
class Catalogue:
    plans: dict[str, Limits]
    default: str

    @classmethod
    def from_settings(cls, plans: str, default: str) -> Catalogue:
        """The process's catalogue, checked at start: a bad one stops the process, clearly."""
        catalogue = parse_catalogue(plans)
        if default not in catalogue:
            raise PlanError(f"SWITCHBOARD_DEFAULT_PLAN {default!r} is not a plan of the "
                            f"catalogue ({', '.join(catalogue)})")
        return cls(catalogue, default)

    def check(self, name: str) -> None:
        if name not in self.plans:
            raise PlanError(f"no plan {name!r}; the plans are {', '.join(self.plans)}")


@dataclass(frozen=True)
class TenantPlan:
    """What the plans bucket holds for a tenant: its plan and the limits overridden for it."""

    name: str
    overrides: dict[str, int | None]

    def limits(self, catalogue: Catalogue) -> Limits:
        """Its limits; a plan no longer in the catalogue counts as the default one."""
        base = catalogue.plans.get(self.name) or catalogue.plans[catalogue.default]
        return replace(base, **self.overrides)

    def encode(self) -> bytes:
        return json.dumps({"plan": self.name, "limits": self.overrides}, sort_keys=True).encode()

    @classmethod
    def decode(cls, data: bytes) -> TenantPlan:
        raw: Any = json.loads(data)
        if not isinstance(raw, dict) or not isinstance(raw.get("plan"), str):
            raise PlanError("a plan entry is {\"plan\": <name>, \"limits\": {...}}")
        return cls(raw["plan"], parse_limits(raw.get("limits") or {}, "limits", partial=True))


@dataclass(frozen=True)
class Quota:
    """One quota as a service enforces it: the tenant's plan name and this quota's limit."""

    name: str
    plan: str
    limit: int | None

    def allows(self, used: int, adding: int = 1) -> bool:
        return self.limit is None or used + adding <= self.limit

    def check(self, used: int, adding: int = 1, now: datetime | None = None) -> None:
        """Raise QuotaExceeded unless `adding` more fit beside the `used` ones."""
        if not self.allows(used, adding):
            raise self.exceeded(used, now)

    def exceeded(self, used: int, now: datetime | None = None) -> QuotaExceeded:
        assert self.limit is not None
        one, many, state = _NOUNS[self.name]
        resets = resets_at(now or datetime.now(UTC)) if self.name in MONTHLY else None
        detail = (f"The plan '{self.plan}' allows {self.limit:,} "
                  f"{one if self.limit == 1 else many}; {used:,} "
                  f"{'is' if used == 1 else 'are'} {state}. {_REMEDIES[self.name]}")
        return QuotaExceeded(detail, quota=self.name, plan=self.plan, limit=self.limit,
                             used=used, resets_at=resets)


def month_of(now: datetime) -> date:
    """The period a monthly count belongs to: the calendar month in UTC (its first day)."""
    utc = now.astimezone(UTC)
    return date(utc.year, utc.month, 1)


def resets_at(now: datetime) -> datetime:
    """When the month of `now` ends: the 1st of the next month, 00:00 UTC."""
    first = month_of(now)
    year, month = (first.year + 1, 1) if first.month == 12 else (first.year, first.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)

"""What this replica remembers of the limiter's refusals, so that a flood is answered at the edge
(early.py) instead of costing routing, authentication and GraphQL parsing again.

Fed only by the limiter's decisions (policy.py): a credential refused by its own bucket, or every
credential this replica has seen acting for a tenant whose bucket refused, is "refused until T"
(T: now + the refusal's Retry-After) at one door: REST or GraphQL, which are charged to different
buckets, so a tenant out of GraphQL budget keeps its REST one. Nothing is refused here that the
limiter did not refuse within its Retry-After; the shared buckets stay the truth, this is one
replica's shortcut. Bounded (least recently used forgotten, like the limiter's leases). Pure:
the clock is passed in."""

from __future__ import annotations

import math
import uuid
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Literal

from gateway.limits.lease import Decision

Door = Literal["rest", "graphql"]
MAX_REFUSALS = 20_000  # (credential, door) pairs remembered as refused
MAX_SEEN = 20_000  # credentials remembered with their tenant


@dataclass(frozen=True, slots=True)
class _Refused:
    at: float
    until: float
    decision: Decision


class Refusals:
    """Credentials are opaque strings (early.py: a digest of what the request presented)."""

    def __init__(self) -> None:
        self._refused: OrderedDict[tuple[str, Door], _Refused] = OrderedDict()
        self._tenant_of: OrderedDict[str, uuid.UUID] = OrderedDict()
        self._by_tenant: dict[uuid.UUID, set[str]] = {}

    def seen(self, credential: str, tenant_id: uuid.UUID) -> None:
        """An authenticated `credential` acts for `tenant_id`: the tenant's refusals cover it."""
        known = self._tenant_of.get(credential)
        if known == tenant_id:
            self._tenant_of.move_to_end(credential)
            return
        if known is not None:
            self._unsee(credential, known)
        self._tenant_of[credential] = tenant_id
        self._by_tenant.setdefault(tenant_id, set()).add(credential)
        while len(self._tenant_of) > MAX_SEEN:
            old, tenant = self._tenant_of.popitem(last=False)
            self._unsee(old, tenant)

    def refuse(self, credential: str, door: Door, decision: Decision, now: float) -> None:
        """The limiter refused `credential`'s own bucket."""
        self._remember(credential, door, decision, now)

    def refuse_tenant(self, tenant_id: uuid.UUID, door: Door, decision: Decision,
                      now: float) -> None:
        """The limiter refused the tenant's bucket: every credential seen acting for it."""
        for credential in self._by_tenant.get(tenant_id, ()):
            self._remember(credential, door, decision, now)

    def refused(self, credential: str, door: Door, now: float) -> Decision | None:
        """The refusal still standing for `credential` at `door`, its fields brought up to
        `now`; None when there is none (or it has run out)."""
        entry = self._refused.get((credential, door))
        if entry is None:
            return None
        if now >= entry.until:
            del self._refused[(credential, door)]
            return None
        elapsed = now - entry.at
        return replace(entry.decision, retry_after_s=max(1, math.ceil(entry.until - now)),
                       reset_s=max(0, math.ceil(entry.decision.reset_s - elapsed)))

    def __len__(self) -> int:
        return len(self._refused)

    def _remember(self, credential: str, door: Door, decision: Decision, now: float) -> None:
        key = (credential, door)
        until = now + decision.retry_after_s
        standing = self._refused.get(key)
        if standing is not None and standing.until >= until:
            return  # a longer refusal of the same credential stands
        self._refused[key] = _Refused(now, until, decision)
        self._refused.move_to_end(key)
        while len(self._refused) > MAX_REFUSALS:
            self._refused.popitem(last=False)

    def _unsee(self, credential: str, tenant_id: uuid.UUID) -> None:
        credentials = self._by_tenant.get(tenant_id)
        if credentials is not None:
            credentials.discard(credential)
            if not credentials:
                del self._by_tenant[tenant_id]

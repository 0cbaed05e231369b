"""Which buckets a call is charged to. A REST request costs 1 in its credential's bucket (an API
key, or the signed-in user across their sessions) and in its tenant's, so one key cannot spend a
tenant's whole budget; a GraphQL document costs its computed cost (cost.py) in the tenant's
GraphQL bucket alone: GraphQL counts work, not requests. Each refusal is also remembered by the
replica (refusals.py) for the credential the request presented (`credential`: early.py's digest;
None: nothing remembered), so the next ones are refused at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

from gateway.config import GatewaySettings
from gateway.errors import ProblemError
from gateway.graphql.errors import api_error
from gateway.identity.principal import Principal
from gateway.limits.lease import Decision, Limit
from gateway.limits.limiter import REFUSED, RateLimiter

TENANT_REQUESTS, GRAPHQL_COST = "requests", "graphql"
RATE_LIMITED = "/problems/rate-limited"


@dataclass(frozen=True, slots=True)
class ApiLimits:
    tenant: Limit
    credential: Limit
    graphql: Limit
    graphql_max_cost: int  # one document costing more is refused whatever is left

    @classmethod
    def of(cls, settings: GatewaySettings) -> ApiLimits:
        return cls(Limit(settings.rate_limit_tenant_per_s, settings.rate_limit_tenant_burst),
                   Limit(settings.rate_limit_key_per_s, settings.rate_limit_key_burst),
                   Limit(settings.graphql_cost_per_s, settings.graphql_cost_burst),
                   settings.graphql_max_cost)


def credential_bucket(principal: Principal) -> str:
    if principal.user_id is not None:  # a person: every session of theirs together
        return f"requests:user:{principal.user_id}"
    return f"requests:key:{principal.credential_id}"


async def charge_request(limiter: RateLimiter, limits: ApiLimits, principal: Principal,
                         credential: str | None = None) -> Decision:
    """The REST request's decision: the credential's bucket, then the tenant's."""
    tenant, own = principal.tenant_id, credential_bucket(principal)
    if credential is not None:
        limiter.refusals.seen(credential, tenant)
    mine = await limiter.take(tenant, own, limits.credential)
    if not mine.allowed:
        REFUSED.labels("requests").inc()
        if credential is not None:
            limiter.refusals.refuse(credential, "rest", mine, limiter.clock())
        return mine
    theirs = await limiter.take(tenant, TENANT_REQUESTS, limits.tenant)
    if not theirs.allowed:
        limiter.refund(tenant, own, 1.0)
        REFUSED.labels("requests").inc()
        limiter.refusals.refuse_tenant(tenant, "rest", theirs, limiter.clock())
        return theirs
    return min(mine, theirs, key=lambda d: d.remaining)  # the headers tell the tighter one


async def charge_graphql(limiter: RateLimiter, limits: ApiLimits, principal: Principal,
                         cost: int, credential: str | None = None) -> Decision:
    """The document's decision: the tenant's GraphQL bucket (a refusal covers every credential
    of the tenant at the GraphQL door, not at REST's)."""
    if credential is not None:
        limiter.refusals.seen(credential, principal.tenant_id)
    decision = await limiter.take(principal.tenant_id, GRAPHQL_COST, limits.graphql, cost)
    if not decision.allowed:
        REFUSED.labels("graphql_cost").inc()
        limiter.refusals.refuse_tenant(principal.tenant_id, "graphql", decision, limiter.clock())
    return decision


def rest_refusal(decision: Decision) -> ProblemError:
    """A refused REST request's answer (raised by `auth.require`, sent by early.py)."""
    return ProblemError(429, "too many requests: this API key's (or user's) or the tenant's "
                        f"rate limit is spent; retry in {decision.retry_after_s} s",
                        decision.headers(), type=RATE_LIMITED)


def budget_spent(decision: Decision, rate_per_s: float, cost: int | None) -> GraphQLError:
    """A refused document's error (`cost`: None when refused at the edge, unparsed: early.py)."""
    costs = "" if cost is None else f"; this document costs {cost}"
    extensions: dict[str, Any] = {"retryAfterSeconds": decision.retry_after_s}
    if cost is not None:
        extensions["cost"] = cost
    return api_error(f"the tenant's GraphQL budget is spent ({decision.limit} points, refilled "
                     f"at {rate_per_s:g} a second{costs}): retry in {decision.retry_after_s} s",
                     "RATE_LIMITED", **extensions)

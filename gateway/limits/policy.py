"""Which buckets a call is charged to. A REST request costs 1 in its credential's bucket (an API
key, or the signed-in user across their sessions) and in its tenant's, so one key cannot spend a
tenant's whole budget; a GraphQL document costs its computed cost (cost.py) in the tenant's
GraphQL bucket alone: GraphQL counts work, not requests."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config import GatewaySettings
from gateway.identity.principal import Principal
from gateway.limits.lease import Decision, Limit
from gateway.limits.limiter import REFUSED, RateLimiter

TENANT_REQUESTS, GRAPHQL_COST = "requests", "graphql"


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


async def charge_request(limiter: RateLimiter, limits: ApiLimits,
                         principal: Principal) -> Decision:
    """The REST request's decision: the credential's bucket, then the tenant's."""
    tenant, own = principal.tenant_id, credential_bucket(principal)
    mine = await limiter.take(tenant, own, limits.credential)
    if not mine.allowed:
        REFUSED.labels("requests").inc()
        return mine
    theirs = await limiter.take(tenant, TENANT_REQUESTS, limits.tenant)
    if not theirs.allowed:
        limiter.refund(tenant, own, 1.0)
        REFUSED.labels("requests").inc()
        return theirs
    return min(mine, theirs, key=lambda d: d.remaining)  # the headers tell the tighter one


async def charge_graphql(limiter: RateLimiter, limits: ApiLimits, principal: Principal,
                         cost: int) -> Decision:
    decision = await limiter.take(principal.tenant_id, GRAPHQL_COST, limits.graphql, cost)
    if not decision.allowed:
        REFUSED.labels("graphql_cost").inc()
    return decision

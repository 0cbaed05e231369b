"""Which resource a route or resolver acts on, for API keys scoped to resources
(`conversations:read`): decided once here from the module the check runs in, so no route or
resolver names its resource and a new domain cannot be silently unscoped
(tests/gateway/test_key_resources.py checks that every REST route and GraphQL field maps).
"""

from __future__ import annotations

# Gateway module (or package) -> resource; the longest matching prefix wins. None: only the
# all-resource scopes (read, write, admin) reach it.
DOMAINS: dict[str, str | None] = {
    "gateway.conversations": "conversations",  # inbox, messages, notes, canned replies, live
    "gateway.channels": "channels",
    "gateway.telegram": "channels",  # a tenant's Telegram bots are its channels
    "gateway.agent": "agent",  # settings, preview, usage, audit, unanswered questions
    "gateway.agent.rest.knowledge": "knowledge",
    "gateway.agent.graphql.knowledge": "knowledge",
    "gateway.agent.rest.synonyms": "knowledge",  # the seller's synonym groups
    "gateway.agent.graphql.synonyms": "knowledge",
    "gateway.analytics": "analytics",  # metrics, reports, settings
    "gateway.exports": "analytics",
    "gateway.scheduling": "analytics",  # scheduled reports
    "gateway.integrations": "webhooks",  # outgoing webhooks: endpoints, deliveries
    "gateway.plans": "plan",  # the plan's quotas and their use (read-only: plan:read)
    "gateway.identity": None,  # the team, API keys, Telegram links: never by a resource scope
}

# What `<resource>:read` and `<resource>:write` may name, in the order lists show them.
RESOURCES: tuple[str, ...] = tuple(dict.fromkeys(r for r in DOMAINS.values() if r is not None))


def domain_of(module: str) -> str | None:
    """The entry of DOMAINS that `module` falls under (longest prefix), or None: unmapped."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in DOMAINS:
            return prefix
    return None


def resource_of(module: str) -> str | None:
    """The resource of the code in `module`; None for identity and for anything unmapped, so
    a resource-scoped key is refused there (fails closed)."""
    domain = domain_of(module)
    return None if domain is None else DOMAINS[domain]

"""Scopes of API keys and sessions.

`read`, `write`, `admin` hold on every resource, each implying the ones before it.
`<resource>:read` and `<resource>:write` hold on one resource (gateway/identity/resources.py),
`<resource>:write` implying `<resource>:read`; there is no per-resource admin: setting the
tenant up (the team, API keys, channel accounts...) takes the `admin` scope.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.identity.resources import RESOURCES
from services.kernel.errors import InvalidArgument

SCOPES = ("read", "write", "admin")
RESOURCE_LEVELS = ("read", "write")
# Each scope and everything it implies.
_IMPLIED: dict[str, tuple[str, ...]] = {
    "read": ("read",), "write": ("read", "write"), "admin": ("read", "write", "admin"),
    **{f"{r}:read": (f"{r}:read",) for r in RESOURCES},
    **{f"{r}:write": (f"{r}:read", f"{r}:write") for r in RESOURCES},
}
# Every scope a key may hold, in the canonical order of lists.
KNOWN_SCOPES: tuple[str, ...] = tuple(_IMPLIED)
# For the API's own documentation (REST and GraphQL).
SCOPES_DESCRIPTION = (
    "`read`, `write`, `admin` on every resource (admin implies write implies read), or "
    "`<resource>:read` / `<resource>:write` on one (write implies read): "
    f"{', '.join(RESOURCES)} (docs/api.md, Scopes)")


def validate_scopes(scopes: Iterable[str]) -> list[str]:
    """The requested scopes, deduplicated in canonical order; unknown ones are refused with
    the list of the valid ones."""
    requested = set(scopes)
    if not requested:
        raise InvalidArgument("an API key needs at least one scope")
    unknown = requested.difference(_IMPLIED)
    if unknown:
        raise InvalidArgument(
            f"unknown scopes: {', '.join(sorted(unknown))}; use {', '.join(SCOPES)} (every "
            f"resource) or <resource>:read / <resource>:write, the resources being "
            f"{', '.join(RESOURCES)}")
    return [s for s in KNOWN_SCOPES if s in requested]


def expand_scopes(scopes: Iterable[str]) -> frozenset[str]:
    """Apply the implications (admin -> write -> read; r:write -> r:read); unknown scopes
    grant nothing."""
    effective: set[str] = set()
    for scope in scopes:
        effective.update(_IMPLIED.get(scope, ()))
    return frozenset(effective)


def allows(effective: frozenset[str], scope: str, resource: str | None) -> bool:
    """Do these effective scopes grant `scope` (read, write, admin) on `resource` (None: only
    an all-resource scope will do)?"""
    if scope in effective:
        return True
    return resource is not None and scope in RESOURCE_LEVELS \
        and f"{resource}:{scope}" in effective


def missing(scope: str, resource: str | None) -> str:
    """What a refusal says: the scope needed, and where a resource scope would do."""
    if resource is None or scope not in RESOURCE_LEVELS:
        return f"this needs the '{scope}' scope"
    return f"this needs the '{scope}' scope on {resource}"

"""The early refusal's rules without a server (gateway/limits/refusals.py, early.py): what a
replica remembers of the limiter's refusals (until their Retry-After, per door, a tenant's
refusal covering the credentials seen acting for it, bounded), how a request's credential is
read, and which requests the edge may refuse at all (exactly those the limiter charges)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.limits import refusals as memory
from gateway.limits.early import credential_of, door_of
from gateway.limits.lease import Decision
from gateway.limits.refusals import Refusals

TENANT, OTHER = uuid.uuid4(), uuid.uuid4()


def refused(retry_after_s: int, reset_s: int = 10) -> Decision:
    return Decision(False, limit=30, remaining=0, reset_s=reset_s, retry_after_s=retry_after_s)


class TestRefusals:
    def test_a_refusal_stands_until_its_retry_after_with_its_fields_brought_up_to_now(
            self) -> None:
        refusals = Refusals()
        refusals.refuse("key", "rest", refused(3, reset_s=10), now=100.0)
        first = refusals.refused("key", "rest", now=100.0)
        later = refusals.refused("key", "rest", now=101.5)
        assert first is not None and later is not None
        assert first.headers() == {"RateLimit-Limit": "30", "RateLimit-Remaining": "0",
                                   "RateLimit-Reset": "10", "Retry-After": "3"}
        assert (later.retry_after_s, later.reset_s, later.allowed) == (2, 9, False)
        assert refusals.refused("key", "rest", now=102.99) is not None
        assert refusals.refused("key", "rest", now=103.0) is None  # a retry after it goes on
        assert len(refusals) == 0  # forgotten once run out

    def test_doors_and_credentials_are_kept_apart(self) -> None:
        refusals = Refusals()
        refusals.refuse("key", "graphql", refused(5), now=0.0)
        assert refusals.refused("key", "rest", now=1.0) is None  # its REST budget may remain
        assert refusals.refused("other key", "graphql", now=1.0) is None
        assert refusals.refused("key", "graphql", now=1.0) is not None

    def test_a_tenants_refusal_covers_the_credentials_seen_for_it_and_no_other(self) -> None:
        refusals = Refusals()
        for credential, tenant in (("a", TENANT), ("b", TENANT), ("theirs", OTHER)):
            refusals.seen(credential, tenant)
        refusals.refuse_tenant(TENANT, "rest", refused(2), now=0.0)
        assert refusals.refused("a", "rest", 1.0) and refusals.refused("b", "rest", 1.0)
        assert refusals.refused("theirs", "rest", 1.0) is None
        assert refusals.refused("a", "graphql", 1.0) is None
        assert refusals.refused("never seen", "rest", 1.0) is None

    def test_a_shorter_refusal_does_not_cut_a_longer_one(self) -> None:
        refusals = Refusals()
        refusals.seen("a", TENANT)
        refusals.refuse("a", "rest", refused(10), now=0.0)
        refusals.refuse_tenant(TENANT, "rest", refused(1), now=0.5)
        standing = refusals.refused("a", "rest", now=5.0)
        assert standing is not None and standing.retry_after_s == 5

    def test_refusals_are_bounded_the_least_recent_forgotten(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(memory, "MAX_REFUSALS", 3)
        refusals = Refusals()
        for n in range(5):
            refusals.refuse(f"key {n}", "rest", refused(60), now=float(n))
        assert len(refusals) == 3
        assert [refusals.refused(f"key {n}", "rest", 10.0) is not None for n in range(5)] == [
            False, False, True, True, True]

    def test_credentials_seen_are_bounded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(memory, "MAX_SEEN", 2)
        refusals = Refusals()
        for credential in ("a", "b", "c"):
            refusals.seen(credential, TENANT)
        refusals.seen("b", TENANT)  # used again: the most recent
        refusals.seen("d", OTHER)
        refusals.refuse_tenant(TENANT, "rest", refused(60), now=0.0)
        assert [refusals.refused(c, "rest", 1.0) is not None for c in "abcd"] == [
            False, True, False, False]


def headers(**found: str) -> list[tuple[bytes, bytes]]:
    return [(name.encode(), value.encode()) for name, value in found.items()]


class TestCredential:
    def test_a_present_authorization_header_decides_and_is_kept_as_a_digest(self) -> None:
        key = "Bearer sb_0123456789ab_" + "s" * 43
        by_key = credential_of(headers(authorization=key, cookie="sb_session=t1"))
        assert by_key == credential_of(headers(authorization=key))
        assert by_key is not None and "sb_" not in by_key and "s" * 43 not in by_key
        # the same key id with another secret is another credential (it gets its 401)
        assert by_key != credential_of(headers(authorization=key[:-1] + "x"))

    def test_else_the_session_cookie(self) -> None:
        one = credential_of(headers(cookie="theme=dark; sb_session=token-one; sb_csrf=c"))
        assert one is not None and "token-one" not in one
        assert one == credential_of(headers(cookie="sb_session=token-one"))
        assert one != credential_of(headers(cookie="sb_session=token-two"))
        assert credential_of(headers(cookie="theme=dark")) is None
        assert credential_of([]) is None


def _charged(route: APIRoute) -> bool:
    """Whether the route's dependencies include `auth.require(...)`: the rate limits' charge."""
    def names(dependant: Any) -> Iterator[str]:
        for sub in dependant.dependencies:
            yield getattr(sub.call, "__name__", "")
            yield from names(sub)
    return any(name.startswith("require_") for name in names(route.dependant))


def _routes() -> Iterator[tuple[str, str, bool]]:
    app = create_app(GatewaySettings())
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        path = re.sub(r"\{[^}]+\}", "x", context.path_format or "")
        for method in sorted(context.methods or {"GET"}):
            yield method, path, isinstance(route, APIRoute) and _charged(route)


def test_the_edge_may_refuse_exactly_the_requests_the_limiter_charges() -> None:
    doors = {(method, path): (door_of(method, path), charged)
             for method, path, charged in _routes()}
    assert doors[("POST", "/graphql")] == ("graphql", False)  # charged by cost, in the schema
    assert doors[("GET", "/graphql")] == (None, False)
    wrong = {request: door for request, (door, charged) in doors.items()
             if request[1] != "/graphql" and (door == "rest") != charged}
    assert wrong == {}
    assert sum(charged for _, charged in doors.values()) > 50  # the walk found the API

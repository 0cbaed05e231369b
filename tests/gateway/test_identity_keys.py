"""The pure parts of identity: key format, scopes (per resource too), expiry, principals, the
TTL cache, passwords."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from gateway.identity import keys, resources, scopes
from gateway.identity.api_keys import MAX_LIFETIME, ApiKeyExpired, check_expiry
from gateway.identity.cache import TtlCache
from gateway.identity.passwords import (
    hash_password,
    needs_rehash,
    verify_dummy,
    verify_password,
)
from gateway.identity.principal import Principal
from gateway.identity.resources import RESOURCES
from services.kernel.errors import InvalidArgument, Unauthenticated


def test_a_generated_key_parses_back_and_matches_its_hash() -> None:
    new = keys.generate_api_key()
    key_id, secret = keys.parse_api_key(new.plaintext)
    assert key_id == new.key_id and len(key_id) == 12
    assert keys.secret_matches(secret, new.secret_sha256)
    assert not keys.secret_matches(secret[:-1] + "x", new.secret_sha256)
    assert secret not in new.secret_sha256


def test_keys_are_unique() -> None:
    generated = {keys.generate_api_key().plaintext for _ in range(200)}
    assert len(generated) == 200


@pytest.mark.parametrize("raw", [
    "", "sb_", "sb_abc", "xx_0123456789ab_" + "A" * 43, "sb_0123456789AB_" + "A" * 43,
    "sb_0123456789a_" + "A" * 44, "sb_0123456789ab_" + "A" * 42, "sb_0123456789ab" + "A" * 44])
def test_malformed_keys_are_refused(raw: str) -> None:
    with pytest.raises(Unauthenticated):
        keys.parse_api_key(raw)


def test_scope_implications() -> None:
    assert scopes.expand_scopes(["admin"]) == {"admin", "write", "read"}
    assert scopes.expand_scopes(["write"]) == {"write", "read"}
    assert scopes.expand_scopes(["read"]) == {"read"}
    assert scopes.validate_scopes(["admin", "read", "read"]) == ["read", "admin"]
    for bad in ([], ["root"]):
        with pytest.raises(InvalidArgument):
            scopes.validate_scopes(bad)


def test_resource_scopes_imply_only_their_own_read() -> None:
    assert scopes.expand_scopes(["conversations:write"]) == {
        "conversations:write", "conversations:read"}
    assert scopes.expand_scopes(["channels:read", "knowledge:write"]) == {
        "channels:read", "knowledge:read", "knowledge:write"}
    assert scopes.expand_scopes(["conversations:admin", "root"]) == frozenset()
    assert scopes.validate_scopes(["knowledge:write", "conversations:read", "read"]) == [
        "read", "conversations:read", "knowledge:write"]


@pytest.mark.parametrize("bad", [
    ["conversations:admin"], ["team:read"], ["identity:read"], ["conversations"],
    [":read"], ["Conversations:read"], ["read", "nope:write"]])
def test_unknown_resource_scopes_are_refused_with_the_valid_ones(bad: list[str]) -> None:
    with pytest.raises(InvalidArgument) as refused:
        scopes.validate_scopes(bad)
    message = refused.value.message
    assert message.startswith("unknown scopes: ")
    for resource in RESOURCES:
        assert resource in message
    assert "read, write, admin" in message


def test_a_resource_key_reaches_its_resource_and_nothing_else() -> None:
    key = Principal.for_api_key(uuid.uuid4(), uuid.uuid4(), ["conversations:read"])
    assert key.allows("read", "conversations")
    assert not key.allows("write", "conversations")
    assert not key.allows("read", "channels")
    assert not key.allows("read", None)  # identity, or a module no one mapped: fails closed
    assert not key.has("read")
    writer = Principal.for_api_key(uuid.uuid4(), uuid.uuid4(), ["knowledge:write"])
    assert writer.allows("read", "knowledge") and writer.allows("write", "knowledge")
    assert not writer.allows("admin", "knowledge")  # there is no per-resource admin
    everything = Principal.for_api_key(uuid.uuid4(), uuid.uuid4(), ["write"])
    assert everything.allows("write", "channels") and everything.allows("read", None)
    assert not everything.allows("admin", "channels")


def test_refusals_name_the_scope_and_where() -> None:
    assert scopes.missing("write", "conversations") == \
        "this needs the 'write' scope on conversations"
    assert scopes.missing("read", None) == "this needs the 'read' scope"
    assert scopes.missing("admin", "channels") == "this needs the 'admin' scope"


@pytest.mark.parametrize(("module", "resource"), [
    ("gateway.conversations.rest.inbox", "conversations"),
    ("gateway.conversations.graphql.types", "conversations"),
    ("gateway.telegram.rest", "channels"),
    ("gateway.agent.rest.agent", "agent"),
    ("gateway.agent.rest.knowledge", "knowledge"),
    ("gateway.agent.graphql.knowledge", "knowledge"),
    ("gateway.scheduling.graphql", "analytics"),
    ("gateway.exports.rest", "analytics"),
    ("gateway.integrations.rest", "webhooks"),
    ("gateway.identity.rest.users", None),
    ("gateway.somethingnew.rest", None),
    ("gateway.conversationsx.rest", None),  # a prefix of a name is not the package
])
def test_modules_map_to_resources(module: str, resource: str | None) -> None:
    assert resources.resource_of(module) == resource


def test_an_expiry_must_be_zoned_future_and_within_two_years() -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    assert check_expiry(None, now) is None
    moscow = timezone(timedelta(hours=3))
    assert check_expiry(datetime(2027, 1, 2, 3, tzinfo=moscow), now) == datetime(
        2027, 1, 2, tzinfo=UTC)
    assert check_expiry(now + MAX_LIFETIME, now) == now + MAX_LIFETIME
    for bad, says in ((datetime(2027, 6, 1), "time zone"), (now, "in the future"),
                      (now - timedelta(days=1), "in the future"),
                      (now + MAX_LIFETIME + timedelta(seconds=1), "at most 730 days")):
        with pytest.raises(InvalidArgument, match=says):
            check_expiry(bad, now)


def test_an_expired_key_says_when_and_what_to_do() -> None:
    expired = ApiKeyExpired(datetime(2027, 1, 2, 3, tzinfo=timezone(timedelta(hours=3))))
    assert isinstance(expired, Unauthenticated)
    assert expired.message == ("this API key expired at 2027-01-02T00:00:00+00:00; "
                               "create a new one")


@pytest.mark.parametrize(("role", "allowed", "denied"), [
    ("owner", "admin", None), ("admin", "admin", None), ("agent", "write", "admin"),
    ("stranger", None, "read")])
def test_session_scopes_follow_the_role(role: str, allowed: str | None,
                                        denied: str | None) -> None:
    principal = Principal.for_session(uuid.uuid4(), uuid.uuid4(), role, uuid.uuid4(),
                                      datetime.now(UTC))
    assert principal.kind == "session" and principal.role == role
    if allowed:
        assert principal.has(allowed) and principal.has("read")
    if denied:
        assert not principal.has(denied)


def test_an_api_key_principal_has_no_user() -> None:
    principal = Principal.for_api_key(uuid.uuid4(), uuid.uuid4(), ["write"])
    assert principal.user_id is None and principal.kind == "api_key"
    assert principal.has("read") and principal.has("write") and not principal.has("admin")


def test_cache_expires_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    cache: TtlCache[int] = TtlCache(ttl_s=10, max_entries=3)
    for i in range(5):
        cache.put(str(i), i)
    assert len(cache) == 3 and cache.get("0") is None and cache.get("4") == 4
    cache.put("short", 1, ttl_s=0.5)
    cache.put("never", 1, ttl_s=-1)
    assert cache.get("never") is None
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 1)
    assert cache.get("short") is None and cache.get("4") == 4
    monkeypatch.setattr(time, "monotonic", lambda: now + 11)
    assert cache.get("4") is None
    cache.pop("missing")


async def test_passwords_hash_verify_and_rehash() -> None:
    hashed = await hash_password("s3cret-password")
    assert hashed.startswith("$argon2id$") and "s3cret" not in hashed
    assert await verify_password(hashed, "s3cret-password")
    assert not await verify_password(hashed, "wrong-password")
    assert not await verify_password("not-a-hash", "s3cret-password")
    assert not needs_rehash(hashed)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024).hash("s3cret-password")
    assert needs_rehash(weak)
    await verify_dummy("anything")

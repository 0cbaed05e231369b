"""The pure parts of identity: key format, scopes, principals, the TTL cache, passwords."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher

from gateway.identity import keys
from gateway.identity.cache import TtlCache
from gateway.identity.passwords import (
    hash_password,
    needs_rehash,
    verify_dummy,
    verify_password,
)
from gateway.identity.principal import Principal
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
    assert keys.expand_scopes(["admin"]) == {"admin", "write", "read"}
    assert keys.expand_scopes(["write"]) == {"write", "read"}
    assert keys.expand_scopes(["read"]) == {"read"}
    assert keys.validate_scopes(["admin", "read", "read"]) == ["read", "admin"]
    for bad in ([], ["root"]):
        with pytest.raises(InvalidArgument):
            keys.validate_scopes(bad)


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

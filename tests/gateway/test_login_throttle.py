"""Sign-in throttling (issue #16) on a gateway of its own: an account's failed sign-ins from one
address are refused with 429 and Retry-After past the limit (the right password too, until the
window ends), a success clears the count, and one address trying many accounts is refused
after the per-address limit; the counts live in the database, so every replica sees them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text

from tests.fixtures.platform import RunningPlatform, second_gateway

PASSWORD = "password-123"  # what platform.new_tenant gives its owner


async def login(http: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await http.post("/v1/auth/login", json={"email": email, "password": password})


async def test_failed_sign_ins_are_throttled(platform: RunningPlatform) -> None:
    async with platform.db.unscoped_unit_of_work() as session:  # the address's earlier tests
        await session.execute(text("DELETE FROM identity.login_failures"))
    one, two = await platform.new_tenant("Перебор"), await platform.new_tenant("Сброс")
    limits: dict[str, Any] = {"login_failures_per_account": 3, "login_failures_per_address": 6}
    runtime, other = await second_gateway(platform, **limits), await second_gateway(
        platform, **limits)
    try:
        async with httpx.AsyncClient(base_url=runtime.url, timeout=15) as http, \
                httpx.AsyncClient(base_url=other.url, timeout=15) as replica:
            assert [(await login(http, one.email, "guess")).status_code
                    for _ in range(3)] == [401, 401, 401]
            refused = await login(replica, one.email, PASSWORD)  # another replica, right password
            assert refused.status_code == 429
            assert refused.json()["type"] == "/problems/login-throttled"
            assert 1 <= int(refused.headers["Retry-After"]) <= 900
            # a success clears the account's count (not the address's)
            assert (await login(http, two.email, "guess")).status_code == 401
            assert (await login(http, two.email, PASSWORD)).status_code == 200
            assert [(await login(http, two.email, "guess")).status_code
                    for _ in range(2)] == [401, 401]  # 6 failures from here in all
            many = await login(http, "nobody@example.com", "guess")
            assert many.status_code == 429  # the address tried too many
            assert "too many failed sign-ins" in many.json()["detail"]
    finally:
        await runtime.stop()
        await other.stop()
        async with platform.db.unscoped_unit_of_work() as session:
            await session.execute(text("DELETE FROM identity.login_failures"))

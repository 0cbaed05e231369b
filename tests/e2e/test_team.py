"""The team on the running platform (issue #14): the owner invites a manager by cookie session,
the manager accepts, works the inbox and is assigned a conversation but cannot manage users;
once disabled, their session is refused and they can no longer be assigned."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform
from tests.fixtures.sessions import browser_login

pytestmark = pytest.mark.slow

PASSWORD = "manager-password"


async def test_an_invited_manager_works_the_inbox_until_disabled(
        platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Team shop")
    shop = await platform.connect_sandbox_shop(seller, "Team shop")
    await platform.buyer_writes(shop, "Можно забрать сегодня?")

    async def listed() -> str | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return items[0]["id"] if items else None
    conversation = await eventually(listed, within=15)
    path = f"/v1/conversations/{conversation}"

    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=15) as owner, \
            httpx.AsyncClient(base_url=platform.gateway_url, timeout=15) as manager:
        await browser_login(owner, seller.email, seller.password)
        invited = await owner.post("/v1/users", json={
            "email": f"manager-{uuid.uuid4().hex[:8]}@example.com", "role": "agent"})
        assert invited.status_code == 201, invited.text
        url, user_id = invited.json()["invite_url"], invited.json()["user"]["id"]
        assert url.startswith(f"{platform.settings.public_base_url}/invite/")
        accepted = await manager.post("/v1/auth/accept-invite", json={
            "token": url.rsplit("/", 1)[1], "password": PASSWORD, "name": "Мария"})
        assert accepted.status_code == 200, accepted.text
        manager.headers["X-CSRF-Token"] = manager.cookies["sb_csrf"]

        assert [c["id"] for c in (await manager.get("/v1/conversations")).json()["items"]] == [
            conversation]
        refused = await manager.post("/v1/users", json={"email": "x@example.com",
                                                        "role": "agent"})
        assert refused.status_code == 403, refused.text
        assigned = await owner.patch(path, json={"assignee_user_id": user_id})
        assert assigned.status_code == 200, assigned.text
        read = await manager.post(f"{path}/read")
        assert read.status_code in (200, 204), read.text

        disabled = await owner.patch(f"/v1/users/{user_id}", json={"active": False})
        assert disabled.status_code == 200, disabled.text
        assert (await manager.get("/v1/conversations")).status_code == 401
        again = await owner.patch(path, json={"assignee_user_id": user_id})
        assert again.status_code == 422, again.text

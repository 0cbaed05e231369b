"""The team screen in the browser: the owner invites an agent and gets the one-time link; the
agent opens it signed out, sets a password and lands in the inbox as an agent; the owner
disables them, and changes another user's role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, Tenant
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def owner(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Team seller")


@pytest.fixture(scope="module")
async def page(browser: Browser, platform: RunningPlatform, owner: Tenant) -> AsyncIterator[Page]:
    ctx, page = await new_page(browser, platform.gateway_url)
    await sign_in(page, owner.email, owner.password)
    try:
        yield page
    finally:
        await ctx.close()


async def test_invite_an_agent_who_signs_up_and_is_disabled(
        page: Page, browser: Browser, platform: RunningPlatform, owner: Tenant,
        shots: Path) -> None:
    await page.get_by_role("link", name="Команда").click()
    invite = page.get_by_role("form", name="Пригласить")
    await invite.get_by_label("Эл. почта").fill("maria@example.com")
    await invite.get_by_label("Имя").fill("Мария")
    await invite.get_by_role("button", name="Пригласить").click()
    link = await page.locator(".link-out").input_value()
    assert "/invite/" in link
    await expect(page.locator("[data-user='maria@example.com']")).to_contain_text("приглашён")

    ctx, agent = await new_page(browser, platform.gateway_url)
    try:
        await agent.goto(link)
        await agent.get_by_label("Пароль", exact=True).fill("maria-password-1")
        await agent.get_by_role("button", name="Сохранить").click()
        await expect(agent.get_by_test_id("whoami")).to_contain_text("менеджер")
    finally:
        await ctx.close()

    await page.reload()
    row = page.locator("[data-user='maria@example.com']")
    await expect(row).to_contain_text("активен")
    await row.get_by_role("button", name="Отключить").click()
    await expect(row).to_contain_text("отключён")
    users = (await owner.http.get("/v1/users")).json()["items"]
    assert [u["status"] for u in users if u["email"] == "maria@example.com"] == ["disabled"]
    await page.screenshot(path=shots / "team.png")


async def test_english_and_the_mute_switch_are_remembered(page: Page) -> None:
    await page.get_by_label("Язык").select_option("en")
    await expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    mute = page.get_by_role("button", name="Mute sound")
    await mute.click()
    await page.reload()
    await expect(page.get_by_role("button", name="Unmute sound")).to_have_attribute("aria-pressed", "true")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.get_by_label("Language").select_option("ru")
    await expect(page.get_by_role("link", name="Входящие")).to_be_visible()


async def test_the_owner_changes_a_role(page: Page, owner: Tenant) -> None:
    """The owner picks another user's role in their row (the API ends that user's sessions);
    their own role is shown, not offered (another owner changes it)."""
    invited = await owner.http.post("/v1/users", json={"email": "ivan@example.com", "name": "Иван",
                                                       "role": "agent"})
    assert invited.status_code == 201, invited.text
    await page.goto("/team")
    role = page.locator("[data-user='ivan@example.com']").get_by_label("Роль: Иван")
    await expect(role).to_have_value("agent")
    await role.select_option("admin")

    async def kept() -> bool:
        users = (await owner.http.get("/v1/users")).json()["items"]
        return [u["role"] for u in users if u["email"] == "ivan@example.com"] == ["admin"]
    await eventually(kept)
    await page.reload()  # the row shows what the API kept
    await expect(role).to_have_value("admin")
    mine = page.locator(f"[data-user='{owner.email}']")
    await expect(mine).to_contain_text("владелец")
    await expect(mine.get_by_role("combobox")).to_have_count(0)

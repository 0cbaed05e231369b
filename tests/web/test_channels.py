"""The Channels screen in the browser: an account's state in the interface's words (the key
Avito refuses, with what to do), a sync asked for, the checks titled in Russian, and an
account disconnected after a confirmation, its conversations kept."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from playwright.async_api import Browser, Page, expect

from services.channels.models import ChannelAccount
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def owner(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Channels screen seller")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, owner: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(owner, name="Склад")


@pytest.fixture
async def page(browser: Browser, platform: RunningPlatform, owner: Tenant,
               shop: SandboxShop) -> AsyncIterator[Page]:
    ctx, page = await new_page(browser, platform.gateway_url)
    await sign_in(page, owner.email, owner.password)
    await page.get_by_role("link", name="Каналы").click()
    try:
        yield page
    finally:
        await ctx.close()


async def test_a_refused_key_is_told_with_what_to_do(page: Page, platform: RunningPlatform,
                                                     owner: Tenant, shop: SandboxShop) -> None:
    card = page.locator(f"[data-channel='{shop.channel['id']}']")
    await expect(card).to_contain_text("подключён")
    # What the platform's token check records when Avito answers 401 to the account's key.
    async with platform.db.unit_of_work(owner.tenant_id) as session:
        row = await session.get(ChannelAccount, uuid.UUID(shop.channel["id"]))
        assert row is not None
        row.token_checked_at = row.token_refused_since = datetime.now(UTC)
        row.token_error = "Avito refused the client credentials (401)"
    await page.reload()
    await expect(card.locator("dd.error")).to_contain_text(
        "Avito не принимает с")
    await expect(card.locator("dd.error")).to_contain_text(
        "Avito refused the client credentials (401). Подключите аккаунт заново.")


async def test_sync_checks_and_disconnect(page: Page, owner: Tenant, shop: SandboxShop) -> None:
    card = page.locator(f"[data-channel='{shop.channel['id']}']")
    await card.get_by_role("button", name="Синхронизировать").click()
    await expect(card.get_by_role("status")).to_contain_text("Синхронизация запущена")

    await card.get_by_role("button", name="Проверить").click()
    checks = card.get_by_role("region", name="Диагностика")
    await expect(checks.locator("[data-check=credentials]")).to_contain_text("Доступ к API Avito")
    await expect(checks.locator("[data-check=messenger_access]")).to_contain_text(
        "Доступ к Мессенджеру (тариф)")

    await card.get_by_role("button", name="Отключить").click()
    confirm = card.get_by_role("group", name="Отключить")
    await expect(confirm).to_contain_text("Переписка сохранится")
    await confirm.get_by_role("button", name="Отмена").click()
    await expect(confirm).to_be_hidden()
    assert (await owner.http.get(f"/v1/channels/{shop.channel['id']}")).json()["status"] == "active"

    await card.get_by_role("button", name="Отключить").click()
    await card.get_by_role("button", name="Да, отключить").click()
    await expect(card).to_have_attribute("data-status", "disconnected")
    await expect(card).to_contain_text("подключите его снова")
    await expect(card.get_by_role("button", name="Синхронизировать")).to_be_hidden()
    assert (await owner.http.get(f"/v1/channels/{shop.channel['id']}")).json()["status"] == \
        "disconnected"

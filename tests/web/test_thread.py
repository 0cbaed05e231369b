"""A conversation as the Avito emulator's buyers make it, in the browser: a buyer's quote of an
earlier message shows above their message (the quote came with the webhook), the listing
card's photo, served by the emulator (the sandbox has no internet), loads, and what is not
text (Avito's own messages, a missed call, a place, a file Avito does not pass on) says what
it is in words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Thread seller")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller, "Цитаты на Avito")


@pytest.fixture(scope="module")
async def page(browser: Browser, platform: RunningPlatform, seller: Tenant) -> AsyncIterator[Page]:
    ctx, page = await new_page(browser, platform.gateway_url)  # 1280x720: the card beside
    try:
        await sign_in(page, seller.email, seller.password)
        yield page
    finally:
        await ctx.close()


async def _conversation(seller: Tenant, chat_id: str) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return next((c for c in items if c["external_chat_id"] == chat_id
                     and c["listing"] and c["listing"]["image_url"]), None)
    conversation = await eventually(found)
    assert conversation is not None
    return conversation


async def test_a_quote_shows_above_the_buyers_message(page: Page, platform: RunningPlatform,
                                                      seller: Tenant, shop: SandboxShop) -> None:
    asked = await platform.buyer_writes(shop, "А синий есть?")
    conversation = await _conversation(seller, asked["chat_id"])
    await page.goto(f"/inbox/{conversation['id']}")
    await expect(page.locator(".live.open")).to_be_visible()
    await platform.buyer_writes(shop, "Вот про этот вопрос", chat_id=asked["chat_id"],
                                quote_id=asked["message_id"])
    quoting = page.locator(".msg.in", has_text="Вот про этот вопрос")
    await expect(quoting.locator("blockquote.quote")).to_have_text("А синий есть?")
    assert await page.locator("blockquote.quote").count() == 1  # the quoted message has none


async def test_the_listing_photo_loads(page: Page, platform: RunningPlatform, seller: Tenant,
                                       shop: SandboxShop) -> None:
    written = await platform.buyer_writes(shop, "Фото можно?", item_id=shop.account["items"][1]["id"])
    conversation = await _conversation(seller, written["chat_id"])
    assert conversation["listing"]["image_url"].startswith(f"{platform.emulator_url}/_emulator/")
    await page.goto(f"/inbox/{conversation['id']}")
    photo = page.locator(".listing img")
    await expect(photo).to_be_visible()
    loaded = await photo.element_handle()
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=loaded)
    assert await photo.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [140, 105]


async def test_what_is_not_text_says_what_it_is(page: Page, platform: RunningPlatform,
                                                seller: Tenant, shop: SandboxShop) -> None:
    asked = await platform.buyer_writes(shop, "Здравствуйте")
    chat = asked["chat_id"]
    conversation = await _conversation(seller, chat)
    await page.goto(f"/inbox/{conversation['id']}")
    await expect(page.locator(".live.open")).to_be_visible()
    for spec in ({"type": "system", "flow_id": "sbc_seller_notification",
                  "text": "Покупатель принял предложение"},
                 {"type": "call", "call_status": "missed"},
                 {"type": "location", "location": {"lat": 55.75, "lon": 37.62,
                                                   "title": "Тверская, 1"}},
                 {"type": "file"}):
        sent = await platform.emulator.post(f"/_emulator/accounts/{shop.user_id}/incoming",
                                            json={**spec, "chat_id": chat})
        assert sent.status_code == 200, sent.text

    system = page.locator(".msg.system")
    await expect(system).to_contain_text("Сообщение Avito")
    await expect(system).to_contain_text("Покупатель принял предложение")
    assert "sbc_seller_notification" not in await system.inner_text()
    await expect(page.locator(".msg.in", has_text="Пропущенный звонок")).to_have_count(1)
    place = page.locator(".msg.in a", has_text="Место на карте: Тверская, 1")
    await expect(place).to_have_attribute("href", "geo:55.75,37.62")
    await expect(page.locator(".msg.in", has_text="Покупатель прислал файл")).to_contain_text(
        "откройте чат в Avito")

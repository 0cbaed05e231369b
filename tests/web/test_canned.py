"""Canned replies in the browser: the owner makes one on the "Шаблоны" screen (variables put in
at the caret, the preview on an example), edits and deletes another, then uses the first in a
buyer's conversation from the composer: the buyer's name, the listing's title and price filled in
from that conversation. The owner's role change of a user on the Team screen is test_team's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow

BUYER = "Ольга"  # not the preview's example buyer: the conversation's own name must show


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Canned seller")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller, "Шаблоны на Avito")


@pytest.fixture(scope="module")
async def page(browser: Browser, platform: RunningPlatform, seller: Tenant) -> AsyncIterator[Page]:
    ctx, page = await new_page(browser, platform.gateway_url)
    try:
        await sign_in(page, seller.email, seller.password)
        yield page
    finally:
        await ctx.close()


async def _canned(seller: Tenant) -> list[dict[str, Any]]:
    return list((await seller.http.get("/v1/canned-replies")).json()["items"])


async def test_make_edit_and_delete_canned_replies(page: Page, seller: Tenant,
                                                   shots: Path) -> None:
    await page.get_by_role("link", name="Шаблоны", exact=True).click()
    form = page.get_by_role("form", name="Новый шаблон")
    await form.get_by_label("Название").fill("Цена и наличие")
    await form.get_by_label("Быстрая команда (необязательно)").fill("/price")
    text = form.get_by_label("Текст", exact=True)
    await text.fill("Здравствуйте, !")
    await text.press("End")
    await text.press("ArrowLeft")  # the caret before "!": the name goes there
    variables = form.get_by_role("group", name="Вставить переменную")
    await variables.get_by_role("button", name="+ имя покупателя").click()
    await text.press("End")
    await text.press_sequentially(" «")
    await variables.get_by_role("button", name="+ название объявления").click()
    await text.press_sequentially("» за ")
    await variables.get_by_role("button", name="+ цена").click()
    await text.press_sequentially(" в наличии. {discount}")
    await expect(text).to_have_value(
        "Здравствуйте, {buyer_name}! «{listing_title}» за {price} в наличии. {discount}")
    preview = form.get_by_test_id("canned-preview")
    await expect(preview).to_have_text(
        "Здравствуйте, Анна! «Диван угловой «Берген»» за 15 000 ₽ в наличии. {discount}")
    await expect(form).to_contain_text("Это не переменные, останутся как написано: {discount}")
    await page.screenshot(path=shots / "canned.png")
    await form.get_by_role("button", name="Сохранить").click()
    card = page.locator("[data-canned='Цена и наличие']")
    await expect(card).to_contain_text("/price")
    [made] = await _canned(seller)
    assert made["shortcut"] == "price" and made["text"].startswith("Здравствуйте, {buyer_name}!")

    # A second one: a taken shortcut is refused in words with the input kept, then edited and
    # deleted.
    await form.get_by_label("Название").fill("Доставка")
    await form.get_by_label("Быстрая команда (необязательно)").fill("price")
    await text.fill("Отправим Авито Доставкой")
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form.get_by_role("alert")).to_contain_text("/price")
    await expect(text).to_have_value("Отправим Авито Доставкой")
    await form.get_by_label("Быстрая команда (необязательно)").fill("")
    await form.get_by_role("button", name="Сохранить").click()
    delivery = page.locator("[data-canned='Доставка']")
    await delivery.get_by_role("button", name="Изменить шаблон «Доставка»").click()
    edit = page.get_by_role("form", name="Изменить шаблон")
    await expect(edit.get_by_label("Текст", exact=True)).to_have_value("Отправим Авито Доставкой")
    await edit.get_by_label("Текст", exact=True).fill("Отправим Авито Доставкой завтра")
    await edit.get_by_role("button", name="Сохранить").click()
    await expect(delivery).to_contain_text("Отправим Авито Доставкой завтра")
    await delivery.get_by_role("button", name="Удалить шаблон «Доставка»").click()
    await delivery.get_by_role("button", name="Да, удалить").click()
    await expect(delivery).to_have_count(0)
    assert [r["title"] for r in await _canned(seller)] == ["Цена и наличие"]


async def test_a_canned_reply_fills_in_the_conversation(
        page: Page, platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    made = await seller.http.post("/v1/canned-replies", json={
        "title": "Приветствие", "text": "{buyer_name}, «{listing_title}» стоит {price}."})
    assert made.status_code == 201, made.text
    item = shop.account["items"][0]
    written = await platform.buyer_writes(shop, "Добрый вечер!", author_name=BUYER,
                                          item_id=item["id"])

    async def conversation() -> dict[str, Any] | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return next((c for c in items if c["external_chat_id"] == written["chat_id"]
                     and c["contact"]["name"] == BUYER and c["listing"]), None)
    found = await eventually(conversation)
    assert found is not None
    await page.goto(f"/inbox/{found['id']}")
    await page.get_by_label("Шаблоны ответов").select_option(label="Приветствие")
    await expect(page.get_by_label("Ответ покупателю")).to_have_value(
        f"{BUYER}, «{item['title']}» стоит 18 500 ₽.")
    assert item["price"] == 18500
    # The composer leads to the screen where they are made.
    await page.get_by_role("link", name="Управление шаблонами").click()
    await expect(page.get_by_role("heading", name="Шаблоны ответов")).to_be_visible()


async def test_the_screen_fits_a_phone(browser: Browser, platform: RunningPlatform,
                                       seller: Tenant) -> None:
    """Managers answer from phones: the list and the form fit 390 px without sideways scroll."""
    made = await seller.http.post("/v1/canned-replies", json={
        "title": "Длинная ссылка", "text": "Смотрите: {listing_url} " + "очень" * 40})
    assert made.status_code == 201, made.text
    ctx, phone = await new_page(browser, platform.gateway_url,
                                viewport={"width": 390, "height": 844})
    try:
        await sign_in(phone, seller.email, seller.password)
        await phone.goto("/canned")
        await expect(phone.locator("[data-canned='Длинная ссылка']")).to_be_visible()
        await expect(phone.get_by_role("button", name="+ цена")).to_be_in_viewport()
        assert await phone.evaluate("""() => [document.documentElement, document.querySelector('.page')]
            .every((el) => el.scrollWidth <= el.clientWidth)""")
    finally:
        await ctx.close()

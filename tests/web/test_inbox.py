"""The web inbox end to end, as a manager uses it: sign in, a buyer writes through the Avito
emulator and the conversation appears without a reload (and the next message in the open
conversation), a reply shows delivered, the switch to manager mode, connecting an account with
a wrong secret shows the API's error, a knowledge file uploads. Screenshots of each screen.

Each test passes alone (`-k`): the module signs its page in once, and a test that works in a
conversation opens the module's own (a buyer's, written once) first."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant, second_gateway
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Web seller")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller, "Магазин на Avito")


@pytest.fixture(scope="module")
async def page(browser: Browser, platform: RunningPlatform, seller: Tenant,
               shop: SandboxShop) -> AsyncIterator[Page]:
    """The module's desktop page, signed in as the seller."""
    ctx, page = await new_page(browser, platform.gateway_url, viewport=DESKTOP)
    try:
        await sign_in(page, seller.email, seller.password)
        yield page
    finally:
        await ctx.close()


@pytest.fixture(scope="module")
async def conversation(platform: RunningPlatform, seller: Tenant,
                       shop: SandboxShop) -> dict[str, Any]:
    """A buyer's conversation about the shop's first listing, for the tests that work in one."""
    await platform.buyer_writes(shop, "Добрый день, можно посмотреть сегодня?")
    return await _conversation(seller, "Добрый день, можно посмотреть сегодня?")


async def _conversation(seller: Tenant, text: str) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return next((c for c in items if c["last_message_preview"] == text), None)
    conversation = await eventually(found)
    assert conversation is not None
    return conversation


async def _open(page: Page, conversation: dict[str, Any]) -> None:
    """Open the conversation in the page, its live feed connected."""
    await page.goto(f"/inbox/{conversation['id']}")
    await expect(page.locator(".live.open")).to_be_visible()


async def test_sign_in_shows_who_i_am(browser: Browser, platform: RunningPlatform,
                                      seller: Tenant, shots: Path) -> None:
    ctx, page = await new_page(browser, platform.gateway_url, viewport=DESKTOP)  # signed out
    try:
        await page.goto("/inbox")
        await expect(page).to_have_url(re.compile(r"/login$"))
        await page.get_by_label("Пароль").fill("wrong-password")
        await page.get_by_label("Эл. почта").fill(seller.email)
        await page.get_by_role("button", name="Войти").click()
        await expect(page.get_by_role("alert")).not_to_be_empty()  # the API's refusal, in words
        await page.screenshot(path=shots / "login.png")
        await sign_in(page, seller.email, seller.password)
        await expect(page.get_by_test_id("whoami")).to_contain_text("владелец")
        await expect(page).to_have_url(re.compile(r"/inbox$"))
    finally:
        await ctx.close()


async def test_a_buyer_message_appears_without_reload(page: Page, platform: RunningPlatform,
                                                      seller: Tenant, shop: SandboxShop) -> None:
    await page.goto("/inbox")
    await expect(page.locator(".live.open")).to_be_visible()  # the live feed is connected
    await platform.buyer_writes(shop, "Здравствуйте, велосипед ещё продаётся?")
    conv = await _conversation(seller, "Здравствуйте, велосипед ещё продаётся?")
    await page.locator(f"#tab-{conv['mode']}").click()
    row = page.locator(f"[data-conversation='{conv['id']}']")
    await expect(row).to_contain_text("велосипед ещё продаётся")
    # Keyboard: the list takes focus, Enter opens the active row.
    await page.locator("#conv-list").focus()
    await page.keyboard.press("Home")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(f"/inbox/{conv['id']}$"))
    await platform.buyer_writes(shop, "А торг уместен?", chat_id=conv["external_chat_id"])
    await expect(page.locator(".msg.in", has_text="А торг уместен?")).to_be_visible()


async def test_a_reply_shows_delivered(page: Page, platform: RunningPlatform, shop: SandboxShop,
                                       conversation: dict[str, Any], shots: Path) -> None:
    await _open(page, conversation)
    composer = page.get_by_label("Ответ покупателю")
    await composer.fill("Да, продаётся.")
    await composer.press("Shift+Enter")
    await composer.press_sequentially("Приезжайте вечером.")
    await composer.press("Enter")
    sent = page.locator(".msg.out", has_text="Приезжайте вечером.")
    await expect(sent.locator(".delivery")).to_have_attribute("data-status", "sent")
    await expect(composer).to_have_value("")
    texts = [m.get("text", "") for m in await platform.sent(shop)]
    assert "Да, продаётся.\nПриезжайте вечером." in texts
    await page.screenshot(path=shots / "inbox.png")


async def test_switch_to_manager_mode(page: Page, seller: Tenant,
                                      conversation: dict[str, Any]) -> None:
    await _open(page, conversation)
    conversation_id = conversation["id"]
    row = page.locator(f"[data-conversation='{conversation_id}']")
    for radio, mode in (("ИИ", "bot"), ("Менеджер", "manager")):  # whichever it starts in
        await page.get_by_role("radio", name=radio, exact=True).check()
        await page.locator(f"#tab-{mode}").click()
        await expect(row).to_be_visible()  # moved to that list, live
        await expect(page.get_by_role("radio", name=radio, exact=True)).to_be_checked()
        resp = await seller.http.get(f"/v1/conversations/{conversation_id}")
        assert resp.json()["mode"] == mode


async def test_canned_reply_note_assignee_and_snooze(page: Page, seller: Tenant,
                                                     conversation: dict[str, Any]) -> None:
    await _open(page, conversation)
    conversation_id = conversation["id"]
    created = await seller.http.post("/v1/canned-replies", json={
        "title": "Цена", "text": "{buyer_name}, цена {price}, торг возможен.", "shortcut": "price"})
    assert created.status_code == 201, created.text
    composer = page.get_by_label("Ответ покупателю")
    canned = page.get_by_label("Шаблоны ответов")
    await canned.focus()  # asks for the list again: the reply was added after the page opened
    await canned.select_option(label="/price Цена")
    buyer = (await seller.http.get(f"/v1/conversations/{conversation_id}")).json()["contact"]["name"]
    rendered = rf"^{re.escape(buyer)}, цена 18\s500\s₽, торг возможен\.$"
    await expect(composer).to_have_value(re.compile(rendered))
    await page.get_by_label("Заметка (покупатель не увидит)").check()
    await composer.fill("Перезвонить после обеда")
    await composer.press("Enter")
    await expect(page.locator(".msg.note", has_text="Перезвонить после обеда")).to_be_visible()
    me = await (await page.request.get("/v1/auth/me")).json()
    await page.locator(".details").get_by_label("Ответственный").select_option(me["user_id"])
    await page.get_by_role("button", name="Отложить до").click()
    await expect(page.locator(".details")).to_contain_text("отложен")
    shown = (await seller.http.get(f"/v1/conversations/{conversation_id}")).json()
    assert shown["assignee_user_id"] == me["user_id"] and shown["status"] == "snoozed"
    assert shown["snoozed_until"]


async def test_a_dropped_live_feed_catches_up_on_reconnect(
        browser: Browser, platform: RunningPlatform, seller: Tenant, shop: SandboxShop,
        conversation: dict[str, Any]) -> None:
    conversation_id, chat_id = conversation["id"], conversation["external_chat_id"]
    gateway = await second_gateway(platform)  # one we can stop and start again on its port
    port = int(gateway.url.rsplit(":", 1)[1])
    ctx, other = await new_page(browser, f"http://127.0.0.1:{port}")
    try:
        await sign_in(other, seller.email, seller.password)
        await other.goto(f"/inbox/{conversation_id}")
        await expect(other.locator(".live.open")).to_be_visible()
        await gateway.stop()  # the stream ends asking to reconnect; the page retries
        await expect(other.locator(".live.open")).to_have_count(0)
        await platform.buyer_writes(shop, "Пока шлюз перезапускался", chat_id=chat_id)
        gateway = await second_gateway(platform, http_port=port,
                                       public_base_url=f"http://127.0.0.1:{port}")
        # Replayed from the last event id on reconnect: no reload, nothing missed.
        await expect(other.locator(".msg.in", has_text="Пока шлюз перезапускался")).to_be_visible()
        await expect(other.locator(".live.open")).to_be_visible()
    finally:
        await ctx.close()
        await gateway.stop()


async def test_connect_with_a_wrong_secret_shows_the_apis_error(
        page: Page, platform: RunningPlatform, seller: Tenant, shots: Path) -> None:
    account = (await platform.emulator.post("/_emulator/accounts", json={"name": "Другой"})).json()
    form = {"name": "Второй магазин", "client_id": account["client_id"], "client_secret": "wrong"}
    refused = await seller.http.post("/v1/channels/avito", json={**form, "sandbox": True})
    assert refused.status_code >= 400 and refused.json()["detail"]
    await page.get_by_role("link", name="Каналы").click()
    await page.get_by_label("Название").fill(form["name"])
    await page.get_by_label("Client ID").fill(form["client_id"])
    await page.get_by_label("Client secret").fill(form["client_secret"])
    await page.get_by_label("Песочница").check()
    await page.get_by_role("button", name="Подключить", exact=True).click()
    await expect(page.locator(".connect [role=alert]")).to_have_text(refused.json()["detail"])
    await expect(page.get_by_label("Client secret")).to_have_value("wrong")  # kept, to correct
    await page.locator(".channel").first.get_by_role("button", name="Проверить").click()
    await expect(page.get_by_role("region", name="Диагностика")).to_be_visible()
    await page.screenshot(path=shots / "channels.png")


async def test_upload_a_knowledge_file(page: Page, seller: Tenant, shots: Path,
                                       tmp_path: Path) -> None:
    doc = tmp_path / "delivery.md"
    doc.write_text("# Доставка\n\nДоставляем по Москве за 500 рублей, в день заказа.\n")
    await page.get_by_role("link", name="ИИ-агент").click()
    await page.locator("input[type=file]").set_input_files(doc)
    await expect(page.locator("[data-document='delivery.md']")).to_be_visible()
    names = [d["name"] for d in (await seller.http.get("/v1/agent/knowledge/documents")).json()["items"]]
    assert "delivery.md" in names
    await page.screenshot(path=shots / "ai.png")


async def test_reports_show_the_figures_and_export_to_excel(page: Page, shots: Path) -> None:
    await page.get_by_role("link", name="Отчёты").click()
    await expect(page.locator("[data-figure=messages_in]")).to_have_text(re.compile(r"^\d+$"))
    await page.get_by_role("button", name="Выгрузить за период").click()
    download = page.get_by_role("link", name="Скачать файл")
    await expect(download).to_be_visible()
    href = await download.get_attribute("href")
    assert href
    file = await page.request.get(href)
    assert file.ok and (await file.body())[:2] == b"PK"  # an XLSX is a zip
    await page.screenshot(path=shots / "reports.png")


async def test_a_phone_sized_screen_shows_one_column(browser: Browser, platform: RunningPlatform,
                                                     seller: Tenant, conversation: dict[str, Any],
                                                     shots: Path) -> None:
    moved = await seller.http.patch(f"/v1/conversations/{conversation['id']}",
                                    json={"mode": "manager"})  # a row in the manager's list
    assert moved.status_code == 200, moved.text
    ctx, phone = await new_page(browser, platform.gateway_url,
                                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        await sign_in(phone, seller.email, seller.password)
        await phone.locator("#tab-manager").click()
        await phone.locator(".row").first.click()
        await expect(phone.locator(".thread")).to_be_visible()
        await expect(phone.locator(".col-lists")).to_be_hidden()
        await phone.screenshot(path=shots / "inbox-phone.png")
        await phone.get_by_role("button", name="Назад").click()
        await expect(phone.locator(".col-lists")).to_be_visible()
    finally:
        await ctx.close()

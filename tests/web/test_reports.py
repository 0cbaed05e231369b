"""The Reports screen's schedules and Avito statistics in the browser: the owner makes a weekly
report to the shop's Telegram group (through its bot on the Telegram emulator) and sends it
now: the history says delivered and the group got it; a webhook schedule after the form's and
the API's refusals (no weekday, a private address), sent now and failing with the reason, then
deleted; the sandbox shop's Avito figures per account and combined, with a part Avito failed
(the emulator's fault injection) shown as partial, never as zeros; the inbox's figures broken
down by account and by listing.

Each test stands alone (`-k`): they share only the signed-in page and the seller's shop and bot."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.gateway.telegram_bots import new_bot
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow
ZONE = "Asia/Yekaterinburg"  # the browser's: the form's default


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Reports seller")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller, "Первый магазин")


@pytest.fixture(scope="module")
async def group(platform: RunningPlatform, seller: Tenant) -> dict[str, Any]:
    """The seller's bot, registered, in a supergroup linked as its group."""
    bot = await new_bot(platform, username=f"reports_{uuid.uuid4().hex[:6]}_bot")
    registered = await seller.http.post("/v1/telegram/bots", json={"token": bot["token"]})
    assert registered.status_code == 201, registered.text
    owner = (await platform.telegram.post("/_emulator/users", json={"first_name": "Ольга"})).json()
    chat = (await platform.telegram.post("/_emulator/chats", json={
        "type": "supergroup", "title": "Отчёты магазина",
        "members": [{"user_id": owner["id"], "status": "creator"},
                    {"user_id": bot["id"], "status": "member"}]})).raise_for_status().json()
    linked = await seller.http.put(f"/v1/telegram/bots/{registered.json()['id']}/group",
                                   json={"chat_id": chat["id"], "title": "Отчёты магазина"})
    assert linked.status_code == 200, linked.text
    return {"bot": bot, "chat": chat}


@pytest.fixture(scope="module")
async def page(browser: Browser, platform: RunningPlatform, seller: Tenant, shop: SandboxShop,
               group: dict[str, Any]) -> AsyncIterator[Page]:
    ctx, page = await new_page(browser, platform.gateway_url, timezone_id=ZONE,
                               viewport={"width": 1280, "height": 900})
    await sign_in(page, seller.email, seller.password)
    try:
        yield page
    finally:
        await ctx.close()


async def open_new_schedule(page: Page) -> Locator:
    await page.goto("/reports")
    await page.get_by_role("button", name="Новое расписание").click()
    return page.get_by_role("form", name="Новое расписание")


def listed(page: Page, name: str) -> Locator:
    return page.locator(f"[data-schedule='{name}']")


async def test_a_weekly_telegram_schedule_sent_now_is_delivered(
        page: Page, platform: RunningPlatform, group: dict[str, Any], shots: Path) -> None:
    form = await open_new_schedule(page)
    await expect(form.get_by_label("Часовой пояс")).to_have_value(ZONE)
    await form.get_by_label("Название", exact=True).fill("Неделя в Telegram")
    await expect(form.get_by_label("Повторять")).to_have_value("weekly")
    await form.get_by_label("Пт", exact=True).check()  # Monday is ticked already
    await form.get_by_label("Время отправки").fill("08:30")
    await form.get_by_label("Группа вашего бота").select_option(label="Отчёты магазина")
    await expect(form.get_by_label("Id чата (у группы отрицательный)")).to_have_value(
        str(group["chat"]["id"]))
    await form.get_by_label("Период отчёта").select_option("previous_week")
    await form.get_by_role("button", name="Сохранить").click()

    row = listed(page, "Неделя в Telegram")
    await expect(row).to_contain_text(f"Пн, Пт, в 08:30 ({ZONE})")
    await expect(row).to_contain_text("В Telegram: Отчёты магазина")
    await row.get_by_role("button", name="Отправить сейчас").click()
    await expect(row.locator("[data-run]").first).to_have_attribute("data-run", "delivered")
    await expect(row.locator("[data-run]").first).to_contain_text("вручную")
    sent = (await platform.telegram.get(f"/_emulator/bots/{group['bot']['id']}/sent",
                                        params={"chat_id": group["chat"]["id"]})).json()["sent"]
    assert any(m["message"].get("caption", "").startswith("Отчёт за ") for m in sent)
    await expect(row).to_contain_text("последний: доставлен")  # the list follows the history

    await row.get_by_role("button", name="Изменить").click()
    edit = page.get_by_role("form", name="Изменить расписание")
    await expect(edit.get_by_label("Название", exact=True)).to_be_focused()
    await expect(edit.get_by_label("Пт", exact=True)).to_be_checked()
    await edit.get_by_label("Время отправки").fill("10:15")
    await edit.get_by_role("button", name="Сохранить").click()
    await expect(row).to_contain_text(f"Пн, Пт, в 10:15 ({ZONE})")
    await page.get_by_role("region", name="Отчёты по расписанию").screenshot(
        path=shots / "reports-schedules.png")


async def test_the_schedule_form_fits_a_phone(browser: Browser, platform: RunningPlatform,
                                             seller: Tenant, shots: Path) -> None:
    ctx, phone = await new_page(browser, platform.gateway_url, timezone_id=ZONE,
                                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        await sign_in(phone, seller.email, seller.password)
        form = await open_new_schedule(phone)
        await expect(form.get_by_label("Название", exact=True)).to_be_focused()
        overflow = await phone.evaluate(
            "() => { const p = document.querySelector('.page'); return p.scrollWidth - p.clientWidth; }")
        assert overflow <= 0
        await form.get_by_label("Название", exact=True).scroll_into_view_if_needed()
        await phone.screenshot(path=shots / "reports-phone.png")
    finally:
        await ctx.close()


async def test_a_webhook_schedule_after_refusals_fails_with_the_reason_and_is_deleted(
        page: Page, platform: RunningPlatform, seller: Tenant,
        shots: Path) -> None:
    form = await open_new_schedule(page)
    await form.get_by_label("Название", exact=True).fill("Вебхук CRM")
    await form.get_by_label("Пн", exact=True).uncheck()
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form).to_contain_text("Выберите хотя бы один день недели.")
    await expect(form.get_by_label("Название", exact=True)).to_have_value("Вебхук CRM")  # kept

    await form.get_by_label("Повторять").select_option("monthly")
    await form.get_by_label("Число месяца").fill("31")
    await expect(form).to_contain_text("В месяцах, где меньше 31 дней, отчёт придёт в последний день месяца.")
    await form.get_by_label("Вебхук", exact=True).check()
    await form.get_by_label("Адрес вебхука").fill("http://127.0.0.1:9/report")
    await form.get_by_label("Секрет для подписи (не меньше 16 символов)").fill("short")
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form).to_contain_text("Секрет — не меньше 16 символов.")

    await form.get_by_label("Секрет для подписи (не меньше 16 символов)").fill("s3cret-for-the-crm-hook")
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form.get_by_role("alert")).to_contain_text("webhook.url must be a public http(s) address")
    await expect(form.get_by_label("Адрес вебхука")).to_have_value("http://127.0.0.1:9/report")
    await form.get_by_role("alert").scroll_into_view_if_needed()
    await page.screenshot(path=shots / "reports-schedule-form.png")

    # The one loopback address the platform may call in the tests (`outbound_allow`): it answers
    # 404 at this path, which fails the run without retries.
    url = f"{platform.llm_url}/crm/report"
    await form.get_by_label("Адрес вебхука").fill(url)
    await form.get_by_role("button", name="Сохранить").click()
    row = listed(page, "Вебхук CRM")
    await expect(row).to_contain_text(f"Вебхук: {url}")
    await expect(row).to_contain_text("31-го числа")
    await row.get_by_role("button", name="Отправить сейчас").click()
    run = row.locator("[data-run]").first
    await expect(run).to_have_attribute("data-run", "failed")
    await expect(run).to_contain_text("не доставлен")
    await expect(run).to_contain_text("404")

    await row.get_by_role("button", name="Удалить").click()
    await row.get_by_role("button", name="Да, удалить").click()
    await expect(row).to_have_count(0)
    names = [s["name"] for s in (await seller.http.get("/v1/schedules")).json()["items"]]
    assert "Вебхук CRM" not in names


async def test_avito_figures_per_account_with_a_failing_part_shown_partial(
        page: Page, platform: RunningPlatform, seller: Tenant, shots: Path) -> None:
    # Listing statistics fail at every attempt until the page has shown it (refreshes are
    # retried within seconds in the tests): a new shop's first report has no views to show.
    await platform.emulator.post("/_emulator/faults", json={"endpoint": "item_stats",
                                                            "status": 503, "count": 1000})
    try:
        await platform.connect_sandbox_shop(seller, "Второй магазин")
        await page.goto("/reports")
        stats = page.get_by_role("region", name="Статистика Avito")
        # Named explicitly: the platform's list of the seller's accounts is cached for 30 s.
        await stats.get_by_label("Второй магазин").check()
        await stats.get_by_label("Первый магазин").check()
        partial = stats.get_by_test_id("partial")
        await expect(partial).to_contain_text("Данные неполные")
        await expect(partial).to_contain_text("просмотры: нет данных")
    finally:
        await platform.emulator.delete("/_emulator/faults")
    views = stats.locator("tr[data-metric=views]")
    await expect(views.locator("td[data-account='Второй магазин']")).to_have_text("нет данных")
    await expect(views.locator("td[data-account='Все аккаунты']")).to_have_text("нет данных")
    calls = stats.locator("tr[data-metric=calls] td[data-account='Второй магазин']")
    await expect(calls).to_have_text(re.compile(r"^\d[\d\s]*$"))  # fetched: a figure, maybe 0
    await expect(stats.locator("tr[data-metric=balance] td[data-account='Второй магазин']")
                 ).to_contain_text("₽")
    bars = stats.get_by_role("figure")
    await bars.get_by_label("Сравнить аккаунты по").select_option("calls")
    await expect(bars.locator("li", has_text="Второй магазин")).to_have_count(1)

    await stats.screenshot(path=shots / "reports-avito.png")


async def test_a_change_keeps_the_dates_a_schedule_got_through_the_api(
        page: Page, seller: Tenant) -> None:
    made = await seller.http.post("/v1/schedules", json={
        "name": "Ноябрь", "local_time": "07:00", "time_zone": "Europe/Moscow",
        "recurrence": {"kind": "daily"}, "destination": {"kind": "telegram", "chat_id": -100500},
        "report": {"from_date": "2026-11-01", "to_date": "2026-11-30"}})
    assert made.status_code == 201, made.text
    await page.goto("/reports")
    row = listed(page, "Ноябрь")
    await row.get_by_role("button", name="Изменить").click()
    edit = page.get_by_role("form", name="Изменить расписание")
    await expect(edit.get_by_label(re.compile("Даты 2026-11-01 – 2026-11-30"))).to_be_checked()
    await edit.get_by_label("Название", exact=True).fill("Ноябрь, итог")
    await edit.get_by_role("button", name="Сохранить").click()
    await expect(listed(page, "Ноябрь, итог")).to_be_visible()
    report = (await seller.http.get(f"/v1/schedules/{made.json()['id']}")).json()["report"]
    assert (report["from_date"], report["to_date"], report["relative"]) == (
        "2026-11-01", "2026-11-30", None)


async def test_the_inbox_figures_broken_down_by_account_and_listing(
        page: Page, platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    item = shop.account["items"][0]
    wrote = await platform.buyer_writes(shop, "Добрый день, актуально?", item_id=item["id"])
    await platform.buyer_writes(shop, "И доставка есть?", chat_id=wrote["chat_id"])
    now = datetime.now(UTC)
    window = {"from": (now - timedelta(days=7)).isoformat(), "to": (now + timedelta(minutes=5)).isoformat()}

    async def counted() -> dict[str, Any] | None:  # the analytics service's projection is async
        resp = await seller.http.get("/v1/analytics/inbox", params={**window, "group_by": "channel"})
        groups = {g["key"]: g for g in resp.json()["groups"]}
        mine = groups.get(shop.channel["id"])
        return mine if mine and mine["figures"]["messages_in"] >= 2 else None
    expected = await eventually(counted, within=30)
    assert expected is not None

    await page.goto("/reports")
    table = page.locator("table.breakdown")
    await expect(table).to_have_attribute("data-dimension", "channel")
    row = table.locator(f"[data-group='{shop.channel['id']}']")
    await expect(row.locator("th")).to_have_text("Первый магазин")
    await expect(row.locator("td").nth(1)).to_have_text(str(expected["figures"]["messages_in"]))

    await page.get_by_role("radio", name="Объявление").click()
    await expect(table).to_have_attribute("data-dimension", "listing")
    await expect(table.locator("tbody th", has_text=item["title"])).to_have_count(1)

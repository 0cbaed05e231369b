"""The AI agent screen in the browser: where the AI answers (per account), an account's own
settings and back to "as for all", wrong values refused in words with the input kept, and a
preview question that shows its decision and what the knowledge base gave."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow
FAQ = Path(__file__).resolve().parents[1] / "fixtures" / "agent" / "faq_ru.csv"


@pytest.fixture(scope="module")
async def owner(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Agent screen seller")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, owner: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(owner, name="Витрина")


@pytest.fixture
async def page(browser: Browser, platform: RunningPlatform, owner: Tenant,
               shop: SandboxShop) -> AsyncIterator[Page]:
    """Signed in, on the AI agent screen (each test starts there afresh)."""
    ctx, page = await new_page(browser, platform.gateway_url)
    await sign_in(page, owner.email, owner.password)
    await page.get_by_role("link", name="ИИ-агент").click()
    try:
        yield page
    finally:
        await ctx.close()


async def _settings(owner: Tenant, shop: SandboxShop | None = None) -> dict[str, Any]:
    params = {"channel_id": shop.channel["id"]} if shop else {}
    resp = await owner.http.get("/v1/agent/settings", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def test_an_account_gets_its_own_settings_then_inherits_again(
        page: Page, owner: Tenant, shop: SandboxShop, shots: Path) -> None:
    account = page.locator("[data-account='Витрина']")
    await expect(account).to_contain_text("ИИ выключен")
    await account.get_by_role("button", name="Витрина").click()
    await expect(page.get_by_label("Настройки для")).to_have_value(shop.channel["id"])

    form = page.get_by_role("form", name="Настройки")
    await form.get_by_label("ИИ отвечает покупателям").check()
    await form.get_by_label("Инструкции для ИИ").fill("Отвечайте коротко, на «вы».")
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form.get_by_role("status")).to_have_text("Сохранено")
    await expect(account).to_contain_text("ИИ отвечает готовыми ответами")
    await expect(form.get_by_text("свой для аккаунта")).to_have_count(2)
    view = await _settings(owner, shop)
    assert sorted(view["overridden_fields"]) == ["enabled", "instructions"]
    assert view["effective"]["enabled"] and not view["tenant"]["enabled"]
    await page.screenshot(path=shots / "ai-account.png", full_page=True)

    # "As for all" on the switch: the account follows the common setting (off) again.
    enabled_row = form.locator(".field", has=page.get_by_label("ИИ отвечает покупателям"))
    await enabled_row.get_by_role("button", name="как для всех").click()
    await expect(form.get_by_label("ИИ отвечает покупателям")).not_to_be_checked()
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form.get_by_role("status")).to_have_text("Сохранено")
    await expect(account).to_contain_text("ИИ выключен")
    view = await _settings(owner, shop)
    assert view["overridden_fields"] == ["instructions"]
    assert not view["effective"]["enabled"]


async def test_wrong_values_are_refused_in_words_and_kept(page: Page, owner: Tenant) -> None:
    form = page.get_by_role("form", name="Настройки")
    silence = form.get_by_label("Ждать, пока покупатель допишет, с")
    await silence.fill("двадцать")
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form.get_by_role("alert")).to_have_text(
        "«Ждать, пока покупатель допишет, с»: нужно число.")
    await silence.fill("20")

    # The API's own refusals, as it words them, with what was typed left to correct.
    await form.get_by_label("Понедельник", exact=True).check()
    zone = form.get_by_label("Часовой пояс (например, Europe/Moscow)")
    await zone.fill("Mars/Olympus")
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form.get_by_role("alert")).to_contain_text("unknown time zone 'Mars/Olympus'")
    await expect(zone).to_have_value("Mars/Olympus")
    assert (await _settings(owner))["tenant"]["business_hours"]["days"] == []

    await zone.fill("Asia/Yekaterinburg")
    await form.get_by_label("Понедельник с").fill("10:00")
    await form.get_by_role("button", name="Сохранить").click()
    await expect(form.get_by_role("status")).to_have_text("Сохранено")
    hours = (await _settings(owner))["tenant"]["business_hours"]
    assert hours == {"time_zone": "Asia/Yekaterinburg",
                     "days": [{"weekday": 1, "open": "10:00", "close": "21:00"}]}


async def test_the_preview_shows_its_decision_and_the_entries_it_found(
        page: Page, owner: Tenant, shop: SandboxShop) -> None:
    upload = await owner.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", FAQ.read_bytes(), "text/csv"))])
    assert upload.status_code == 207, upload.text
    await page.reload()
    await expect(page.locator("[data-document='faq.csv']")).to_contain_text("готов")

    preview = page.get_by_role("form", name="Проверить ответ")
    await page.get_by_label("Настройки для").select_option(shop.channel["id"])
    await expect(preview).to_contain_text("Проверяется с настройками: Витрина")
    await preview.get_by_label("Вопрос покупателя").fill("Есть ли доставка в Казань?")
    await preview.get_by_role("button", name="Спросить").click()
    decision = preview.locator("[data-outcome]")
    await expect(decision).to_have_attribute("data-outcome", "reply")
    await expect(decision.get_by_role("heading", name="ИИ ответил бы так")).to_be_visible()
    await expect(decision.locator(".answer")).to_contain_text("СДЭК")
    await expect(decision.locator(".sources li").first).to_contain_text("совпадение")

"""The AI agent screen's "questions without an answer" in the browser: a buyer's question the
FAQ-mode agent handed over is listed; the seller adds an answer in the row's own form and the
preview then answers the same question with that entry and says why (both views pass axe's WCAG
A/AA rules); another question is hidden and found under "hidden"; the list fits a phone."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.test_agent import enable_agent
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.web.conftest import new_page, sign_in
from tests.web.test_accessibility import _violations as axe_violations

pytestmark = pytest.mark.slow

CAT = "А у вас есть кот?"
ELEPHANT = "Продаёте слонов?"
ANSWER = "Котов не продаём, только мебель. Подсказать по дивану?"


@pytest.fixture(scope="module")
async def owner(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Unanswered screen seller")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, owner: Tenant) -> SandboxShop:
    shop = await platform.connect_sandbox_shop(owner, name="Мебель")
    await enable_agent(owner, shop)
    return shop


async def handed_over(platform: RunningPlatform, owner: Tenant, shop: SandboxShop,
                      question: str) -> dict[str, Any]:
    """A buyer asks; the agent hands over for want of an answer; the list has the question."""
    await platform.buyer_writes(shop, question, chat_id=f"u2i-{uuid.uuid4().hex[:8]}")

    async def listed() -> dict[str, Any] | None:
        items = (await owner.http.get("/v1/agent/unanswered")).json()["items"]
        return next((i for i in items if i["question"] == question), None)
    return await eventually(listed, within=30)


@pytest.fixture
async def page(browser: Browser, platform: RunningPlatform, owner: Tenant,
               shop: SandboxShop) -> AsyncIterator[Page]:
    # bypass_csp: axe goes in as an inline script (test_accessibility.py)
    ctx, page = await new_page(browser, platform.gateway_url, bypass_csp=True)
    await sign_in(page, owner.email, owner.password)
    try:
        yield page
    finally:
        await ctx.close()


async def test_an_answer_added_from_the_list_is_what_the_preview_then_answers(
        page: Page, platform: RunningPlatform, owner: Tenant, shop: SandboxShop,
        shots: Path) -> None:
    await handed_over(platform, owner, shop, CAT)
    await page.get_by_role("link", name="ИИ-агент").click()
    section = page.get_by_role("region", name="Вопросы без ответа")
    row = section.locator(f"[data-unanswered='{CAT}']")
    await expect(row).to_contain_text("сколько раз спросили: 1")
    await row.get_by_role("button", name="Добавить ответ").click()
    await expect(row.get_by_label("Вопрос (так он попадёт в базу знаний)")).to_have_value(CAT)
    answer = row.get_by_label("Ответ, который ИИ отправит покупателю")
    await expect(answer).to_be_focused()
    await page.keyboard.type(ANSWER)
    await section.screenshot(path=shots / "ai-unanswered.png")
    assert await axe_violations(page) == []  # the list with a row's form open
    await row.get_by_role("button", name="Добавить в базу знаний").click()
    await expect(section.get_by_role("status")).to_have_text(
        f"Ответ добавлен в базу знаний: «{CAT}».")
    await expect(row).to_have_count(0)
    await expect(page.locator("[data-document^='Ответ покупателю']")).to_contain_text("готов")

    preview = page.get_by_role("form", name="Проверить ответ")
    await preview.get_by_label("Вопрос покупателя").fill(CAT)
    await preview.get_by_role("button", name="Спросить").click()
    decision = preview.locator("[data-outcome]")
    await expect(decision).to_have_attribute("data-outcome", "reply")
    await expect(decision).to_have_attribute("data-reason", "answered")
    await expect(decision.locator(".answer")).to_have_text(ANSWER)
    await expect(decision.locator("[data-why]")).to_contain_text("Почему: Ответ найден: уверенность")
    best = decision.locator(".entries li").first
    await expect(best).to_contain_text(CAT)
    await expect(best).to_contain_text("выбрана")
    await expect(best).to_contain_text("совпадение")
    await preview.screenshot(path=shots / "ai-preview-why.png")
    assert await axe_violations(page) == []  # the explained verdict

    await section.get_by_label("Показать").select_option("answered")
    await expect(section.locator(f"[data-unanswered='{CAT}']")).to_contain_text("ответ добавлен")


async def test_a_hidden_question_leaves_the_list_and_the_screen_fits_a_phone(
        browser: Browser, platform: RunningPlatform, owner: Tenant, shop: SandboxShop) -> None:
    await handed_over(platform, owner, shop, ELEPHANT)
    ctx, phone = await new_page(browser, platform.gateway_url,
                                viewport={"width": 390, "height": 844})
    try:
        await sign_in(phone, owner.email, owner.password)
        await phone.goto("/ai")
        section = phone.get_by_role("region", name="Вопросы без ответа")
        row = section.locator(f"[data-unanswered='{ELEPHANT}']")
        await expect(row.get_by_role("button", name="Скрыть")).to_be_visible()
        assert await phone.evaluate("""() => [document.documentElement, document.querySelector('.page')]
            .every((el) => el.scrollWidth <= el.clientWidth)""")
        await row.get_by_role("button", name="Скрыть").click()
        await expect(section.get_by_role("status")).to_have_text(f"Вопрос скрыт: «{ELEPHANT}».")
        await expect(row).to_have_count(0)
        await section.get_by_label("Показать").select_option("dismissed")
        await expect(section.locator(f"[data-unanswered='{ELEPHANT}']")).to_be_visible()
    finally:
        await ctx.close()
    hidden = (await owner.http.get("/v1/agent/unanswered", params={"state": "dismissed"})).json()
    assert [q["question"] for q in hidden["items"]] == [ELEPHANT]

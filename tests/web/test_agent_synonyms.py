"""The AI screen's "Синонимы" in the browser: the seller adds a group typed with commas (a
one-word group is refused in Russian before anything is sent), the agent's search finds the
FAQ entry by the shop's word at once; the group is edited and deleted; the section passes axe's
WCAG A/AA rules."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.fixtures.platform import RunningPlatform, Tenant
from tests.web.conftest import new_page, sign_in
from tests.web.test_accessibility import _violations as axe_violations

pytestmark = pytest.mark.slow

FAQ = "вопрос;ответ\nЕсть ли раскладные диваны?;Да, несколько моделей.\n".encode()


@pytest.fixture
async def owner(platform: RunningPlatform) -> Tenant:
    owner = await platform.new_tenant("Synonyms screen seller")
    await owner.http.post("/v1/agent/knowledge/documents",
                          files=[("files", ("faq.csv", FAQ, "text/csv"))])
    return owner


@pytest.fixture
async def page(browser: Browser, platform: RunningPlatform, owner: Tenant) -> AsyncIterator[Page]:
    ctx, page = await new_page(browser, platform.gateway_url, bypass_csp=True)
    await sign_in(page, owner.email, owner.password)
    try:
        yield page
    finally:
        await ctx.close()


async def _found(owner: Tenant) -> list[str]:
    hits = (await owner.http.get("/v1/agent/knowledge/search",
                                 params={"q": "еврокнижки есть?"})).json()["hits"]
    return [h["question"] for h in hits]


async def test_a_group_added_edited_and_deleted_on_the_ai_screen(
        page: Page, owner: Tenant) -> None:
    await page.get_by_role("link", name="ИИ-агент").click()
    section = page.get_by_role("region", name="Синонимы")
    await expect(section).to_contain_text("Своих синонимов пока нет.")
    new = section.get_by_label("Новая группа: слова через запятую")
    await new.fill("еврокнижка")
    await section.get_by_role("button", name="Добавить").click()
    await expect(section.get_by_role("alert")).to_have_text(
        "Нужно хотя бы два разных слова через запятую.")

    await new.fill("Еврокнижка,  раскладной диван")
    await section.get_by_role("button", name="Добавить").click()
    row = section.locator("[data-synonyms='еврокнижка, раскладной диван']")
    await expect(row).to_be_visible()
    await expect(new).to_have_value("")
    assert (await _found(owner))[:1] == ["Есть ли раскладные диваны?"]
    assert await axe_violations(page) == []

    await row.get_by_role("button", name="Изменить").click()
    await row.get_by_label("Изменить").fill("еврокнижка, диван-книжка")
    await row.get_by_role("button", name="Сохранить").click()
    edited = section.locator("[data-synonyms='еврокнижка, диван-книжка']")
    await expect(edited).to_be_visible()
    await edited.get_by_role("button", name="Удалить").click()
    await expect(section).to_contain_text("Своих синонимов пока нет.")
    assert (await owner.http.get("/v1/agent/knowledge/synonyms")).json() == {"items": []}

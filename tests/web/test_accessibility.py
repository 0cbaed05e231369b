"""Every screen of the web inbox passes axe-core's WCAG 2 A/AA rules (axe-core from web's npm
dev dependencies, run in the page): labels, names of buttons and links, contrast, landmarks,
ARIA used as specified. What axe cannot judge (keyboard flow, focus order) the screens' own
tests drive."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
# What the rules judge: WCAG 2.0 and 2.1, levels A and AA.
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
async def owner(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Accessible seller")


@pytest.fixture(scope="module")
async def shop(platform: RunningPlatform, owner: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(owner, name="Магазин")


@pytest.fixture
async def page(browser: Browser, platform: RunningPlatform) -> AsyncIterator[Page]:
    # The page's CSP allows no inline script: axe is put in as one, so the check bypasses it.
    ctx, page = await new_page(browser, platform.gateway_url, bypass_csp=True)
    try:
        yield page
    finally:
        await ctx.close()


async def _violations(page: Page) -> list[str]:
    """axe's violations of the page as it is now, one line each: rule, impact, where."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make web` (npm ci installs axe-core)")
    await page.add_script_tag(path=AXE)
    result: dict[str, Any] = await page.evaluate(
        "rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})", RULES)
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{json.dumps([n['target'] for n in v['nodes']][:3], ensure_ascii=False)}"
            for v in result["violations"]]


async def test_the_sign_in_page(page: Page) -> None:
    await page.goto("/")
    await expect(page.get_by_role("button", name="Войти")).to_be_visible()
    assert await _violations(page) == []


async def test_every_screen_signed_in(page: Page, platform: RunningPlatform, owner: Tenant,
                                      shop: SandboxShop) -> None:
    wrote = await platform.buyer_writes(shop, "Здравствуйте, ещё продаётся?", author_name="Ирина")

    async def conversation_id() -> str | None:
        items = (await owner.http.get("/v1/conversations")).json()["items"]
        return next((c["id"] for c in items if c["external_chat_id"] == wrote["chat_id"]), None)
    opened = await eventually(conversation_id, within=30)

    await sign_in(page, owner.email, owner.password)
    found = {}
    await page.goto(f"/inbox/{opened}")
    await expect(page.locator(".thread")).to_contain_text("ещё продаётся")
    found["inbox"] = await _violations(page)
    for path, ready in [("/channels", ".channel"), ("/ai", "[data-account]"),
                        ("/reports", "[data-figure]"), ("/team", "[data-user]"),
                        ("/canned", ".canned-form")]:
        await page.goto(path)
        await page.locator(ready).first.wait_for()
        found[path] = await _violations(page)
    assert found == {screen: [] for screen in found}


async def test_the_integrations_screen(page: Page, platform: RunningPlatform, owner: Tenant) -> None:
    """Reached through the nav (the gateway serves /integrations only once it is a client
    route): empty, a refused form, then an endpoint with its secret, a delivery's attempts and
    the new-secret form open."""
    await sign_in(page, owner.email, owner.password)
    await page.get_by_role("link", name="Интеграции").click()
    await page.get_by_test_id("webhooks-empty").wait_for()
    found = {"empty": await _violations(page)}
    await page.get_by_role("button", name="Новый адрес").click()
    form = page.get_by_role("form", name="Новый адрес для вебхуков")
    await form.get_by_label("Адрес (URL)").fill("http://10.1.2.3/hooks")
    await form.get_by_role("button", name="Добавить").click()
    await form.get_by_role("alert").wait_for()
    found["refused"] = await _violations(page)

    url = platform.receiver.url_for(f"a11y-{uuid.uuid4().hex}")
    await form.get_by_label("Адрес (URL)").fill(url)
    await form.get_by_role("button", name="Добавить").click()
    card = page.locator(f"[data-endpoint='{url}']")
    await card.get_by_test_id("webhook-secret").wait_for()
    await card.get_by_role("button", name="Отправить тестовое событие").click()
    await card.locator("tr[data-status='delivered']").wait_for()
    await card.get_by_role("button", name="Попытки доставки Тестовое событие").click()
    await card.get_by_test_id("attempts").wait_for()
    await card.get_by_role("button", name="Новый секрет").click()
    await card.get_by_role("form", name="Новый секрет подписи").wait_for()
    found["endpoint"] = await _violations(page)
    assert found == {state: [] for state in found}

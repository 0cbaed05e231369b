"""The web inbox in a real browser: Debian's Chromium (`make browser`) driven by Playwright
against the session's platform, whose gateway serves the built `web/dist` (`make web`).

Module-scoped: one browser per module; each test module signs in once. Screenshots go to
`docs/screenshots/` when SWITCHBOARD_WEB_SCREENSHOTS=1 (to refresh the docs' pictures), else to
the test's temporary folder (still taken: a page that cannot render fails here too)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from gateway.web import default_dist

CHROMIUM = "/usr/bin/chromium"
# The machine's network is closed: nothing in the background may try to reach the internet.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)  # waits for a positive signal, this long at most


@pytest.fixture(scope="module")
def built() -> None:
    """What `make test` prepares: the browser and the built inbox."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium)")
    if not (default_dist() / "index.html").is_file():
        pytest.fail("web/dist is not built: run `make web`")


@pytest.fixture(scope="module")
async def browser(built: None) -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def new_page(browser: Browser, base_url: str, **context: object) -> tuple[BrowserContext, Page]:
    ctx = await browser.new_context(base_url=base_url, locale="ru-RU", **context)  # type: ignore[arg-type]
    ctx.set_default_timeout(TIMEOUT_MS)
    page = await ctx.new_page()
    return ctx, page


async def sign_in(page: Page, email: str, password: str) -> None:
    await page.goto("/")
    await page.get_by_label("Эл. почта").fill(email)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await page.get_by_test_id("whoami").wait_for()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("SWITCHBOARD_WEB_SCREENSHOTS") == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SHOTS
    return tmp_path_factory.mktemp("screenshots")

"""The inbox with 1,000 conversations in a real browser: the first rows paint, the list stays
virtualized (a few dozen rows in the DOM), and scrolling reaches the next cursor page; and how
soon a buyer's message shows in the open conversation after the emulator sends its webhook.
The times are printed and reported in docs/performance.md, not asserted (machines vary)."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from playwright.async_api import Browser, Page, expect

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, Tenant
from tests.web.conftest import new_page, sign_in

pytestmark = pytest.mark.slow
COUNT = 1000


async def _seed(owner_url: str, tenant: uuid.UUID, count: int) -> None:
    """`count` conversations waiting for a manager, written as the bench does (COPY, as owner)."""
    now, channel = datetime.now(UTC), uuid.uuid4()
    contacts, convs = [], []
    for c in range(count):
        contact, conv = uuid.uuid4(), uuid.uuid4()
        contacts.append((contact, tenant, channel, str(500000 + c), f"Покупатель {c}"))
        convs.append((conv, tenant, channel, 1, f"u2i-web-{c}", contact, 1, 2, c % 3,
                      now - timedelta(minutes=c), "Здравствуйте, ещё продаёте?", str(c % 50),
                      f"Товар {c % 50}", (1000 + c) * 100))
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.copy_records_to_table(
            "contacts", schema_name="conversations", records=contacts,
            columns=["id", "tenant_id", "channel_id", "external_user_id", "name"])
        await conn.copy_records_to_table(
            "conversations", schema_name="conversations", records=convs,
            columns=["id", "tenant_id", "channel_id", "channel_kind", "external_chat_id",
                     "contact_id", "status", "mode", "unread_count", "last_message_at",
                     "last_message_preview", "listing_external_id", "listing_title",
                     "listing_price_minor"])
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def busy(platform: RunningPlatform, owner_url: str) -> Tenant:
    tenant = await platform.new_tenant("Busy seller")
    await _seed(owner_url, tenant.tenant_id, COUNT)
    return tenant


@pytest.fixture(scope="module")
async def page(browser: Browser, platform: RunningPlatform, busy: Tenant) -> AsyncIterator[Page]:
    ctx, page = await new_page(browser, platform.gateway_url, viewport={"width": 1280, "height": 800})
    await sign_in(page, busy.email, busy.password)
    try:
        yield page
    finally:
        await ctx.close()


async def test_first_paint_of_1000_conversations(page: Page) -> None:
    await page.goto("/inbox")  # a fresh load: the app, /v1/auth/me, the first pages
    await page.locator(".row").nth(9).wait_for()
    first_rows_ms = await page.evaluate("performance.now()")
    paint = await page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
    print(f"\ninbox with {COUNT} conversations: first contentful paint {paint} ms, "
          f"first rows {first_rows_ms:.0f} ms")
    assert await page.locator(".row").count() < 40  # virtualized: only the rows in view


async def test_scrolling_reaches_the_next_pages(page: Page) -> None:
    rows = page.locator("#conv-list")
    for buyer in (55, 105, 155):  # each on the page after the one scrolled to its end
        await rows.evaluate("el => el.scrollTo(0, el.scrollHeight)")
        await expect(page.locator(".row", has_text=f"Покупатель {buyer}")).to_have_count(1)
    assert await page.locator(".row").count() < 40


async def test_a_buyer_message_shows_soon_after_its_webhook(
        browser: Browser, platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Live seller")
    shop = await platform.connect_sandbox_shop(seller)
    first = await platform.buyer_writes(shop, "Первое сообщение")

    async def conversation() -> str | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return items[0]["id"] if items else None
    conversation_id = await eventually(conversation)
    ctx, page = await new_page(browser, platform.gateway_url)
    try:
        await sign_in(page, seller.email, seller.password)
        await page.goto(f"/inbox/{conversation_id}")
        await page.locator(".live.open").wait_for()
        delays = []
        for i in range(20):  # light load: one message at a time
            text = f"Сообщение {i}: ещё в наличии?"
            started = time.perf_counter()
            await platform.buyer_writes(shop, text, chat_id=first["chat_id"])
            await page.locator(".msg.in", has_text=text).wait_for()  # polled every frame
            delays.append((time.perf_counter() - started) * 1000)
    finally:
        await ctx.close()
    delays.sort()
    print(f"\nwebhook to the open conversation, 20 messages: p50 {statistics.median(delays):.0f} ms, "
          f"max {delays[-1]:.0f} ms")
    assert len(delays) == 20

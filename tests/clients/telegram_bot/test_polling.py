"""Polling delivery across a restart of the runner: what people write while it is stopped waits
at Telegram and is handled once it is back, in order; nothing handled before is handled
again (the offset is kept in the store and given back to getUpdates)."""

from __future__ import annotations

import uuid

import pytest
from switchboard_sdk import Switchboard

from clients.telegram_bot import Store
from clients.telegram_bot.ledger import Ledger
from tests.clients.telegram_bot.conftest import new_buyer
from tests.clients.telegram_bot.inbound import seat
from tests.clients.telegram_bot.test_topic_replies import bot_posts, delivered, opened
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


async def test_a_restart_in_polling_mode_loses_and_repeats_no_update(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store) -> None:
    s = await seat(platform, seller, sb)
    ledger, tenant = Ledger(store), uuid.UUID(s.config.tenant_id)
    async with s.running(store):
        await s.link(s.agent)
        chat = (await new_buyer(platform, shop, "Когда отправите?", name="Вадим"))["chat_id"]
        thread = await opened(s, "Вадим")
        first = await s.write(s.agent, "Сегодня", message_thread_id=thread)
        await delivered(s, thread, first["message_id"])
        before = await ledger.offset(tenant, s.config.bot_id)
        assert before is not None

    # Stopped: people write on, Telegram keeps the updates.
    await s.write(s.agent, "Трек пришлю вечером", message_thread_id=thread)
    last = await s.write(s.agent, "Спасибо за заказ!", message_thread_id=thread)
    await s.private(s.agent, "/help")
    pending = await s.telegram.ok("GET", f"/bots/{s.bot['id']}/updates")
    assert len([u for u in pending["updates"] if u["update_id"] > before]) == 3

    async with s.running(store) as runner:
        await delivered(s, thread, last["message_id"])
        async def all_three() -> bool:
            status = runner.status(s.config.bot_id)
            return status is not None and status.polled == 3
        await eventually(all_three, within=20)
        said = await s.said_to(s.agent, 2)  # the welcome of /start, then /help's answer

    assert [m["text"] for m in await platform.sent(shop) if m["chat_id"] == chat] == [
        "Сегодня", "Трек пришлю вечером", "Спасибо за заказ!"]
    assert len(said) == 2 and said[0].startswith("✅ Готово") and "/help" in said[1]
    assert len(await bot_posts(s, thread)) == 2  # no echo of the three replies either
    assert await ledger.offset(tenant, s.config.bot_id) == max(u["update_id"] for u in pending["updates"])

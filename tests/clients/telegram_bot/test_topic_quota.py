"""A manager's reply from a topic past the plan's messages_per_month (issue #16): the API
refuses it (403 /problems/quota-exceeded) and the bot answers the manager with the API's words
and what to do about the plan — not the advice for a key without rights."""

from __future__ import annotations

from typing import Any

import pytest
from switchboard_sdk import Switchboard

from clients.telegram_bot import Store
from services.kernel.bus import Bus
from tests.clients.telegram_bot.conftest import new_buyer
from tests.clients.telegram_bot.inbound import seat
from tests.clients.telegram_bot.test_topic_replies import bot_posts, conversation_of, opened
from tests.fixtures.events import eventually
from tests.fixtures.plans import give_plan
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


async def test_a_reply_past_the_plan_is_answered_with_the_quota(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard,
        store: Store, bus: Bus) -> None:
    await give_plan(bus, seller.tenant_id, "free", messages_per_month=1)  # the buyer's message
    s = await seat(platform, seller, sb)
    async with s.running(store):
        await s.link(s.agent)
        await new_buyer(platform, shop, "Есть размер M?", name="Ира")
        thread = await opened(s, "Ира")
        written = await s.write(s.agent, "Есть", message_thread_id=thread)

        async def answered() -> dict[str, Any] | None:
            found = [p for p in await bot_posts(s, thread)
                     if (p.get("reply_to_message") or {}).get("message_id") == written["message_id"]]
            return found[0] if found else None
        reply = await eventually(answered, within=30, interval=0.1)
    assert reply["text"].startswith("⚠️ Не отправлено: The plan 'free' allows 1 message a "
                                    "month; 1 is stored this month."), reply["text"]
    assert "Исчерпан лимит тарифа «free» (счётчик обнулится " in reply["text"]
    assert "зарегистрируйте бота заново" not in reply["text"]
    chat = (await conversation_of(sb, "Ира")).external_chat_id
    assert [m for m in await platform.sent(shop) if m["chat_id"] == chat] == []

"""The SDK sees the AI's handoff: `Conversation.handoff` (reason, kind, since when) on the
conversations `ConversationFilter(needs_manager=True)` lists, gone once a manager replies."""

from __future__ import annotations

from datetime import datetime

import pytest
from switchboard_sdk import Conversation, ConversationFilter, Switchboard

from tests.e2e.test_agent import enable_agent
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


async def test_needs_manager_lists_the_handoff_until_a_manager_replies(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, sb: Switchboard) -> None:
    await enable_agent(seller, shop)
    written = await platform.buyer_writes(shop, "Можно живого оператора?")

    async def handed_over() -> list[Conversation]:
        return (await sb.conversations(ConversationFilter(needs_manager=True))).items
    [waiting] = await eventually(handed_over, within=20)
    assert waiting.external_chat_id == written["chat_id"] and waiting.handoff is not None
    assert waiting.handoff.kind == "keywords" and waiting.handoff.reason
    assert isinstance(waiting.handoff.requested_at, datetime)

    await sb.send_message(waiting.id, "Здравствуйте, я на связи")
    assert (await sb.conversation(waiting.id)).handoff is None
    assert (await sb.conversations(ConversationFilter(needs_manager=True))).items == []

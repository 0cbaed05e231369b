"""The inbox through the SDK, on the real platform: list and page through conversations, read
one and its messages, reply (text, then images), change and mark it read; the knowledge base
(upload, list, search, delete) and the agent's settings."""

from __future__ import annotations

from typing import Any

import pytest
from switchboard_sdk import (
    UNSET,
    AgentSettingsChange,
    ConversationFilter,
    ConversationMode,
    ConversationStatus,
    Direction,
    MessageStatus,
    NotFound,
    Switchboard,
)

from tests.clients.sdk.conftest import conversation_of
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop
from tests.services.channels.test_outbound_media import png


async def test_list_page_read_reply_update_and_mark_read(platform: RunningPlatform,
                                                         shop: SandboxShop, sb: Switchboard) -> None:
    written = [await platform.buyer_writes(shop, f"Вопрос {n}: диван ещё продаётся?")
               for n in range(3)]
    chats = {w["chat_id"] for w in written}
    for w in written:
        await conversation_of(sb, w)

    first = await sb.conversations(first=2)
    assert len(first.items) == 2 and first.has_next_page
    rest = await sb.conversations(first=2, after=first.end_cursor)
    assert len(rest.items) == 1 and not rest.has_next_page
    listed = [c.id for c in first.items + rest.items]
    assert [c.id async for c in sb.iter_conversations(page_size=1)] == listed
    assert {c.external_chat_id for c in first.items + rest.items} == chats

    conversation = await sb.conversation(listed[0])
    assert conversation.channel is not None and conversation.channel.id == shop.channel["id"]
    assert conversation.unread_count >= 1 and conversation.contact is not None
    (inbound,) = (await sb.messages(conversation.id)).items
    assert inbound.direction is Direction.INBOUND and inbound.text.startswith("Вопрос")

    reply = await sb.send_message(conversation.id, "Да, продаётся!")
    assert reply.status is MessageStatus.PENDING and reply.direction is Direction.OUTBOUND
    async def delivered() -> bool:
        newest = (await sb.messages(conversation.id, first=1)).items[0]
        return newest.id == reply.id and newest.status is MessageStatus.SENT
    await eventually(delivered, within=20, interval=0.1)
    assert "Да, продаётся!" in [s.get("text") for s in await platform.sent(shop)]
    assert [m.id async for m in sb.iter_messages(conversation.id, page_size=1)] == [reply.id, inbound.id]

    assert conversation.mode is ConversationMode.MANAGER  # the agent is off: managers answer
    updated = await sb.update_conversation(conversation.id, mode=ConversationMode.BOT,
                                           status=ConversationStatus.PENDING, labels=["vip", "sofa"])
    assert (updated.mode, updated.status, updated.labels) == (
        ConversationMode.BOT, ConversationStatus.PENDING, ["sofa", "vip"])  # kept sorted
    cleared = await sb.update_conversation(conversation.id, labels=None, pinned=True)
    assert cleared.labels == [] and cleared.pinned and cleared.mode is ConversationMode.BOT
    for only_this in (ConversationFilter(mode=ConversationMode.BOT),
                      ConversationFilter(status=ConversationStatus.PENDING, channel_id=shop.channel["id"])):
        assert [c.id for c in (await sb.conversations(only_this)).items] == [conversation.id]

    assert (await sb.mark_read(conversation.id)).unread_count == 0
    unread = [c.id async for c in sb.iter_conversations(ConversationFilter(unread_only=True))]
    assert conversation.id not in unread and len(unread) == 2
    assert UNSET is not None  # UNSET (argument not given) is exported for callers' own wrappers


async def test_a_reply_with_an_image(platform: RunningPlatform, shop: SandboxShop,
                                     sb: Switchboard) -> None:
    written = await platform.buyer_writes(shop, "Пришлите фото")
    conversation = await conversation_of(sb, written)
    media = await sb.upload_media(png(4, 4), filename="sofa.png")
    assert media.media_id and media.size > 0
    image = png(8, 8)
    reply = await sb.reply_with_media(conversation.id, "Вот фото", [("sofa.png", image)])
    assert reply.text == "Вот фото" and reply.status is MessageStatus.PENDING

    async def avito_got_both() -> list[dict[str, Any]] | None:
        chat = await platform.emulator.get(
            f"/_emulator/accounts/{shop.user_id}/chats/{written['chat_id']}")
        ours = [m for m in chat.raise_for_status().json()["messages"]
                if m["author_id"] == shop.user_id]
        return ours if [m["type"] for m in ours] == ["text", "image"] else None
    text, picture = await eventually(avito_got_both, within=20, interval=0.1)
    assert text["content"]["text"] == "Вот фото"
    url = next(iter(picture["content"]["image"]["sizes"].values()))
    assert (await platform.emulator.get(url)).content == image  # what Avito got is our file


async def test_the_knowledge_base_and_the_agent_settings(sb: Switchboard) -> None:
    faq = "вопрос;ответ\nКогда доставка?;Доставляем по Москве на следующий день\n".encode()
    upload = await sb.upload_knowledge([("faq.csv", faq), ("empty.txt", b"")])
    assert (upload.stored, upload.rejected) == (1, 1)
    stored, rejected = upload.results
    assert stored.outcome == "created" and stored.document is not None
    assert rejected.outcome == "rejected" and rejected.error
    again = await sb.upload_knowledge([("faq.csv", faq)])  # the same content: replaced, not doubled
    assert again.results[0].outcome == "replaced"

    documents = [d async for d in sb.iter_knowledge_documents(page_size=1)]
    assert [d.id for d in documents] == [stored.document.id]
    hits = await sb.search_knowledge("Когда будет доставка?")
    assert hits and hits[0].document_id == stored.document.id and "следующий день" in hits[0].text

    await sb.delete_knowledge_document(stored.document.id)
    with pytest.raises(NotFound):
        await sb.delete_knowledge_document(stored.document.id)

    levels = await sb.update_agent_settings(AgentSettingsChange(
        instructions="Отвечай коротко", silence_window_s=5, max_wait_s=60))
    assert levels.tenant.instructions == "Отвечай коротко" and levels.effective.silence_window_s == 5
    assert (await sb.agent_settings()).tenant.max_wait_s == 60

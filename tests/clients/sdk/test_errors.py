"""Failures through the SDK, each as its exception: a wrong key, a read-only key writing, bad
input with the field it is about, an unknown id; and a second tenant seeing none of the first's
data."""

from __future__ import annotations

import uuid

import pytest
from switchboard_sdk import (
    AuthenticationError,
    ConnectionFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Switchboard,
)

from switchboard.devstack.ports import free_port
from tests.clients.sdk.conftest import client, conversation_of, new_key
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.services.channels.test_outbound_media import png


async def test_a_wrong_key_is_an_authentication_error(platform: RunningPlatform) -> None:
    async with client(platform.gateway_url, "sb_not_a_key") as sdk:
        with pytest.raises(AuthenticationError) as caught:
            await sdk.conversations()
        assert caught.value.status == 401
        with pytest.raises(AuthenticationError):
            await sdk.upload_media(png())


async def test_a_read_only_key_cannot_write(platform: RunningPlatform, seller: Tenant,
                                            shop: SandboxShop, sb: Switchboard) -> None:
    conversation = await conversation_of(sb, await platform.buyer_writes(shop, "Есть скидка?"))
    async with client(platform.gateway_url, await new_key(seller, "read")) as reader:
        assert (await reader.conversation(conversation.id)).id == conversation.id  # reading is fine
        with pytest.raises(PermissionDenied) as caught:
            await reader.send_message(conversation.id, "Нет")
        assert caught.value.code == "FORBIDDEN"
        with pytest.raises(PermissionDenied) as refused:
            await reader.upload_media(png())
        assert refused.value.status == 403


async def test_bad_input_names_its_field(platform: RunningPlatform, shop: SandboxShop,
                                         sb: Switchboard) -> None:
    conversation = await conversation_of(sb, await platform.buyer_writes(shop, "Торг уместен?"))
    with pytest.raises(InvalidInput) as too_long:
        await sb.send_message(conversation.id, "я" * 10_001)
    assert too_long.value.field == "text" and "10000" in too_long.value.message
    with pytest.raises(InvalidInput) as too_many:
        await sb.conversations(first=500)
    assert too_many.value.field == "first"
    with pytest.raises(InvalidInput) as not_an_image:
        await sb.upload_media(b"just some notes\n", filename="notes.png")
    assert not_an_image.value.status == 422 and "image" in not_an_image.value.message
    with pytest.raises(InvalidInput) as unreadable:
        await sb.upload_media("/nonexistent/photo.png")
    assert unreadable.value.field == "file"
    with pytest.raises(ValueError, match="base_url"):
        Switchboard("ftp://example.com", api_key="sb_x")


async def test_an_unknown_id_is_not_found(sb: Switchboard) -> None:
    unknown = str(uuid.uuid4())
    with pytest.raises(NotFound):
        await sb.conversation(unknown)
    with pytest.raises(NotFound):
        await sb.messages(unknown)
    with pytest.raises(NotFound):
        await sb.mark_read(unknown)


async def test_a_server_that_is_not_there_fails_after_the_retries() -> None:
    async with client(f"http://127.0.0.1:{free_port()}", "sb_x", retries=2) as sdk:  # nobody there
        with pytest.raises(ConnectionFailed, match="ConnectError"):
            await sdk.channels()


async def test_a_second_tenant_sees_none_of_the_first(platform: RunningPlatform, shop: SandboxShop,
                                                      sb: Switchboard) -> None:
    conversation = await conversation_of(sb, await platform.buyer_writes(shop, "Доставка есть?"))
    faq = await sb.upload_knowledge([("faq.csv", "вопрос;ответ\nДоставка?;Есть\n".encode())])
    other = await platform.new_tenant("SDK neighbour")
    async with client(platform.gateway_url, other.api_key) as neighbour:
        assert (await neighbour.conversations()).items == []
        assert await neighbour.channels() == []
        assert (await neighbour.knowledge_documents()).items == []
        assert await neighbour.search_knowledge("Доставка?") == []
        with pytest.raises(NotFound):
            await neighbour.conversation(conversation.id)
        with pytest.raises(NotFound):
            await neighbour.messages(conversation.id)
        with pytest.raises(NotFound):
            await neighbour.send_message(conversation.id, "чужой")
        document = faq.results[0].document
        assert document is not None
        with pytest.raises(NotFound):
            await neighbour.delete_knowledge_document(document.id)
    assert (await sb.conversation(conversation.id)).id == conversation.id  # still the owner's

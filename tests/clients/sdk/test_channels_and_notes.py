"""What the Telegram bot needs through the SDK (issue #12), on the real platform: managing an
Avito account (connect, consent flow, webhook settings, disconnect) and a private note, with
the API's errors as the SDK's exceptions; `note.added` reaches the SDK's event stream."""

from __future__ import annotations

import asyncio

import pytest
from switchboard_sdk import (
    NOTE_ADDED,
    AuthKind,
    ChannelKind,
    ChannelStatus,
    Conflict,
    ConversationEvent,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SenderKind,
    Switchboard,
)

from tests.clients.sdk.conftest import client, conversation_of, new_key
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.gateway.test_channels_management import emulator_account, subscriptions

pytestmark = pytest.mark.slow


async def test_managing_an_avito_account(platform: RunningPlatform, seller: Tenant,
                                         sb: Switchboard) -> None:
    account = await emulator_account(platform, "Через SDK")
    channel = await sb.connect_avito_channel("SDK shop", account["client_id"],
                                             account["client_secret"], sandbox=True)
    assert (channel.status, channel.auth_kind) == (ChannelStatus.ACTIVE, AuthKind.CLIENT_CREDENTIALS)
    assert await subscriptions(platform, account["user_id"]) == [channel.webhook_url]

    off = await sb.set_channel_webhook(channel.id, enabled=False, signing_secret="s3cr3t")
    assert (off.webhook_enabled, off.webhook_subscribed, off.signing_secret_set) == (
        False, False, True)
    with pytest.raises(InvalidInput):
        await sb.set_channel_webhook(channel.id)
    gone = await sb.disconnect_channel(channel.id)
    assert gone.status == ChannelStatus.DISCONNECTED
    assert (await sb.disconnect_channel(channel.id)).status == ChannelStatus.DISCONNECTED

    started = await sb.start_avito_authorization("По согласию", sandbox=True)
    assert started.authorization_url.startswith(f"{platform.emulator_url}/oauth?")
    assert started.state and started.expires_at is not None

    with pytest.raises(InvalidInput) as wrong:
        await sb.connect_avito_channel("SDK shop", account["client_id"], "wrong", sandbox=True)
    assert wrong.value.code == "BAD_USER_INPUT"
    async with client(platform.gateway_url, await new_key(seller, "write")) as writer:
        with pytest.raises(PermissionDenied):
            await writer.disconnect_channel(channel.id)
    rival = await platform.new_tenant("SDK rival")
    async with client(platform.gateway_url, rival.api_key) as other:
        with pytest.raises(NotFound):
            await other.set_channel_webhook(channel.id, enabled=True)


async def test_connecting_a_telegram_bot_as_a_channel(platform: RunningPlatform,
                                                      sb: Switchboard) -> None:
    bot = (await platform.telegram.post("/_emulator/bots", json={})).raise_for_status().json()
    channel = await sb.connect_telegram_channel(bot["token"], name="Бот магазина")
    assert (channel.kind, channel.name, channel.status) == (
        ChannelKind.TELEGRAM, "Бот магазина", ChannelStatus.ACTIVE)
    with pytest.raises(Conflict):
        await sb.connect_telegram_channel(bot["token"])
    with pytest.raises(InvalidInput):
        await sb.connect_telegram_channel("123456789:" + "A" * 35)
    assert (await sb.disconnect_channel(channel.id)).status == ChannelStatus.DISCONNECTED


async def test_a_note_is_added_once_and_announced(platform: RunningPlatform, shop: SandboxShop,
                                                  sb: Switchboard) -> None:
    conversation = await conversation_of(sb, await platform.buyer_writes(shop, "Есть доставка?"))
    async with sb.conversation_events() as events:
        async def announced() -> ConversationEvent:
            async for event in events:
                if isinstance(event, ConversationEvent) and event.type == NOTE_ADDED:
                    return event
            raise AssertionError("the stream ended")
        reading = asyncio.create_task(announced())

        async def subscribed() -> bool:  # the stream's start is known: nothing after it is lost
            return events.last_event_id is not None
        await eventually(subscribed, within=20)
        note = await sb.add_note(conversation.id, "Уточнить адрес", idempotency_key="sdk-note")
        assert (note.content_type, note.text, note.sender, note.sender_user_id) == (
            "note", "Уточнить адрес", SenderKind.USER, None)
        again = await sb.add_note(conversation.id, "Уточнить адрес", idempotency_key="sdk-note")
        assert again.id == note.id
        event = await asyncio.wait_for(reading, 20)
    assert event.message is not None and event.message.id == note.id
    assert event.conversation.id == conversation.id

    with pytest.raises(InvalidInput):
        await sb.add_note(conversation.id, "x" * 4001)
    with pytest.raises(NotFound):
        await sb.add_note("00000000-0000-4000-8000-000000000000", "никому")

"""The send state machine on a Telegram customer channel: the channels runtime (its own database
and nats-server) and the Telegram emulator over real HTTP. A send command delivered twice goes
out once; one whose earlier attempt died after Telegram took its first part (the row SENDING,
`parts_sent` 1) sends only the rest; a blocked buyer fails at once with the reason; a delete
calls deleteMessage."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_ev
from clients.rpc.topics import MESSAGE_DELETE_REQUESTED, MESSAGE_SEND_REQUESTED
from services.channels.config import ChannelsSettings
from services.channels.models import OutboundSend, SendStatus
from services.kernel.bus import Bus
from services.kernel.db import Database
from tests.emulators.telegram.helpers import Telegram, serving
from tests.services.channels.conftest import Listener, eventually

Listen = Callable[[str], Awaitable[Listener]]


@pytest.fixture(scope="module")
async def telegram() -> AsyncIterator[Telegram]:
    async with serving(limits={"enabled": False}) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def channels_settings(channels_settings: ChannelsSettings, telegram: Telegram) -> ChannelsSettings:
    return channels_settings.model_copy(update={
        "telegram_api_base_url": telegram.url, "telegram_max_attempts": 2,
        "telegram_backoff_base_s": 0.05, "telegram_backoff_max_s": 0.1})


@pytest.fixture
async def channel(channels: ChannelsClient, telegram: Telegram,
                  tenant_a: uuid.UUID) -> dict[str, Any]:
    bot = await telegram.bot()
    connected = await channels.connect_telegram_channel(tenant_a, pb.ConnectTelegramChannelRequest(
        token=bot["token"], public_base_url="http://127.0.0.1:9"))
    return {"id": connected.id, "bot": bot}


async def buyer(telegram: Telegram, channel: dict[str, Any]) -> dict[str, Any]:
    person = await telegram.user(first_name="Покупатель")
    await telegram.start(channel["bot"], person)
    return person


async def send(bus: Bus, tenant: uuid.UUID, command: conv_ev.MessageSendRequested) -> None:
    await bus.publish(MESSAGE_SEND_REQUESTED.subject(tenant), command.SerializeToString(),
                      msg_id=str(uuid.uuid4()))  # a new delivery of the same command


def command(channel: dict[str, Any], chat_id: int, text: str) -> conv_ev.MessageSendRequested:
    return conv_ev.MessageSendRequested(
        message_id=str(uuid.uuid4()), conversation_id=str(uuid.uuid4()),
        channel_id=channel["id"], external_chat_id=str(chat_id), text=text)


async def outcome(listener: Listener, message_id: str) -> ev.MessageDelivery:
    async def found() -> ev.MessageDelivery | None:
        events = [ev.MessageDelivery.FromString(m.data) for m in listener.messages]
        return next((e for e in events if e.message_id == message_id), None)
    return await eventually(found, 15)  # type: ignore[no-any-return]


async def test_a_command_delivered_twice_goes_out_once(
        telegram: Telegram, channel: dict[str, Any], stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    person = await buyer(telegram, channel)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    first = command(channel, person["id"], "Отправим сегодня")
    await send(stack_bus, tenant_a, first)
    result = await outcome(delivered, first.message_id)
    await send(stack_bus, tenant_a, first)  # the same message again: acked as done
    second = command(channel, person["id"], "И ещё одно")
    second.conversation_id = first.conversation_id  # one chat: handled after the repeat
    await send(stack_bus, tenant_a, second)
    await outcome(delivered, second.message_id)  # the signal: the repeat was handled before it
    sent = await telegram.sent(channel["bot"], chat_id=person["id"])
    assert [r["message"]["text"] for r in sent] == ["Отправим сегодня", "И ещё одно"]
    assert result.outcome == ev.DELIVERY_OUTCOME_SENT
    assert result.external_message_id == str(sent[0]["message_id"])


async def test_an_interrupted_send_sends_only_what_telegram_did_not_take(
        telegram: Telegram, channel: dict[str, Any], stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen) -> None:
    person = await buyer(telegram, channel)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    text = "Абзац про доставку. " * 300  # 6,000 characters: two parts
    interrupted = command(channel, person["id"], text)
    async with stack_db.unit_of_work(tenant_a) as session:  # an attempt died after part 1
        session.add(OutboundSend(
            id=uuid.uuid4(), tenant_id=tenant_a, message_id=uuid.UUID(interrupted.message_id),
            conversation_id=uuid.UUID(interrupted.conversation_id),
            channel_id=uuid.UUID(channel["id"]), external_chat_id=str(person["id"]),
            status=SendStatus.SENDING, attempts=1, last_error="", parts_sent=1,
            external_message_id="1"))
    await send(stack_bus, tenant_a, interrupted)
    result = await outcome(delivered, interrupted.message_id)
    [record] = await telegram.sent(channel["bot"], chat_id=person["id"])
    assert result.outcome == ev.DELIVERY_OUTCOME_SENT
    assert text.strip().endswith(record["message"]["text"])  # the second part only
    assert result.external_message_id == str(record["message_id"])


async def test_a_blocked_buyer_fails_at_once_with_the_reason(
        telegram: Telegram, channel: dict[str, Any], stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    person = await buyer(telegram, channel)
    await telegram.ok("PUT", f"/bots/{channel['bot']['id']}/users/{person['id']}",
                      json={"status": "blocked"})
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    blocked = command(channel, person["id"], "Вы тут?")
    await send(stack_bus, tenant_a, blocked)
    result = await outcome(delivered, blocked.message_id)
    assert result.outcome == ev.DELIVERY_OUTCOME_FAILED
    assert "blocked the bot" in result.failure_reason


async def test_deleting_a_reply_calls_delete_message(
        telegram: Telegram, channel: dict[str, Any], stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    person = await buyer(telegram, channel)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    reply = command(channel, person["id"], "Удалю через минуту")
    await send(stack_bus, tenant_a, reply)
    sent = await outcome(delivered, reply.message_id)
    deletions = await listen(f"sb.channels.{tenant_a}.message.deletion")
    request = conv_ev.MessageDeleteRequested(
        message_id=reply.message_id, conversation_id=reply.conversation_id,
        channel_id=channel["id"], external_chat_id=str(person["id"]),
        external_message_id=sent.external_message_id)
    await stack_bus.publish(MESSAGE_DELETE_REQUESTED.subject(tenant_a),
                            request.SerializeToString(), msg_id=str(uuid.uuid4()))
    [deletion] = [ev.MessageDeletion.FromString(m.data) for m in await deletions.wait(1, 15)]
    assert deletion.deleted, deletion.failure_reason
    [record] = await telegram.sent(channel["bot"], chat_id=person["id"])
    assert record["deleted"] is True
